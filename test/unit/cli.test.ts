import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The installed command (bin/vmot.js runs the built dist/), as a script or a batch scheduler calls it.
const vmot = (...args: string[]) => spawnSync(process.execPath, ['bin/vmot.js', ...args], { encoding: 'utf8' });
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

describe('vmot command conventions', () => {
  it('--version prints the package version and exits 0; --help lists the exit codes', () => {
    const v = vmot('--version');
    expect([v.status, v.stdout.trim()]).toEqual([0, version]);
    const h = vmot('bounds', '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/Exit codes: 0 ok; 2 usage error or bad input/);
  });
  it('--help lists every command (each loaded only when it runs); a command after a global option runs, an unknown one is a usage error', () => {
    const h = vmot('--help');
    expect(h.status).toBe(0);
    const listed = [...h.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?= )/gm)].map((m) => m[1]);
    expect(listed).toEqual(['bounds', 'report', 'rmot', 'compare', 'fit-rough', 'marginals', 'hedge', 'smile', 'book', 'worker', 'help']);
    const s = vmot('--debug', 'smile', 'examples/rough-heston-quantlib.json', '--model', 'rough-heston', '--maturity', '1', '--strikes', '100', '--json');
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).rows).toHaveLength(1);
    for (const name of ['no-such-command', 'constructor']) expect(vmot(name).status).toBe(2);
  });
  it('exits 2 on a usage error and on bad input, 3 when a check finds a problem', () => {
    expect(vmot('bounds', 'examples/gaussian-d2.json', '--steps', 'ten').status).toBe(2);
    expect(vmot('bounds', '--no-such-option').status).toBe(2);
    expect(vmot('bounds', 'no-such-file.json').status).toBe(2);
    const svi = vmot('marginals', '--svi=-0.0410,0.1331,0.3586,0.3060,0.4153');
    expect(svi.status).toBe(3);
    expect(svi.stderr).toMatch(/^vmot: check: the SVI smile has butterfly arbitrage/);
  });
  it('SIGTERM saves a checkpoint and exits 143, like SIGINT (130)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-sigterm-'));
    const child = spawn(process.execPath, ['bin/vmot.js', 'bounds', 'examples/gaussian-d2.json', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (b) => {
        stderr += String(b);
        // training has started (first progress line): a batch scheduler's stop
        if (/upper bound: \d+\/\d+/.test(stderr) && !child.killed) child.kill('SIGTERM');
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(143);
    expect(stderr).toMatch(/interrupted \(SIGTERM\) at step \d+; checkpoint saved/);
    expect(existsSync(join(out, 'checkpoint-upper.json'))).toBe(true);
  });
  it('bounds --json carries the provenance block', () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-prov-'));
    const r = vmot('bounds', 'examples/basket-call-d2.json', '--method', 'lp', '--atoms', '8', '--json', '--out', out);
    const p = JSON.parse(r.stdout).provenance;
    expect(p).toMatchObject({ vmot: version, solver: 'lp', seed: 7, options: { solver: { atoms: 8 } }, input: { problem: 'basket-call-d2' } });
    expect(p.input.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(p.machine.cores).toBeGreaterThan(0);
    expect(new Date(p.started).getTime()).toBeLessThanOrEqual(Date.now());
  });
});
