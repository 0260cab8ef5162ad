import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { marginalsCommand } from '../../src/cli/marginals.js';
import { CheckFailed } from '../../src/core/errors.js';

const dir = fileURLToPath(new URL('../../examples/amzn-aapl/', import.meta.url));

/** The command's stdout, and the error it ended with (a failed check ends with CheckFailed after printing its report). */
async function runAll(args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    await marginalsCommand().exitOverride().parseAsync(args, { from: 'user' });
    return { out };
  } catch (error) {
    return { out, error };
  } finally {
    spy.mockRestore();
  }
}

async function run(args: string[]): Promise<string> {
  const r = await runAll(args);
  if (r.error) throw r.error;
  return r.out;
}

afterEach(() => vi.restoreAllMocks());

describe('vmot marginals', () => {
  it('writes density and quantile files consistent with the printed forward (returns vs a reference)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-marg-'));
    const json = JSON.parse(await run([`${dir}AAPL_call_price.csv`, `${dir}AAPL_put_price.csv`, '--column', 'period 2', '--reference', '134.51', '--out', out, '--plot', join(out, 'd.png'), '--json']));
    const e = json.expiries[0];
    expect(Math.abs(e.mass - 1)).toBeLessThan(1e-6);
    expect(Math.abs(e.mean / e.forward - 1)).toBeLessThan(1e-3);
    expect(existsSync(join(out, 'd.png'))).toBe(true);
    // mean of the written quantile function (midpoint-like grid u = i/1000) ~ forward / reference - 1
    const q = readFileSync(e.files.quantile, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const mid = q.filter(([u]) => u > 0 && u < 1 && Math.abs(u * 1000 - Math.round(u * 1000)) < 1e-9);
    const mean = mid.reduce((s, [, x]) => s + x, 0) / mid.length;
    expect(mean).toBeCloseTo(e.forward / 134.51 - 1, 2);
    const d = readFileSync(e.files.density, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    expect(d.every(([, f]) => f >= 0)).toBe(true);
    // named after the asset and the expiry asked for, plain headers, units in the JSON sidecar
    expect(e.files.density).toBe(join(out, 'AAPL-period-2-density.csv'));
    expect(readFileSync(e.files.density, 'utf8').split('\n')[0]).toBe('x,density,cdf');
    expect(readFileSync(e.files.quantile, 'utf8').split('\n')[0]).toBe('u,x');
    expect(JSON.parse(readFileSync(join(out, 'AAPL-period-2.json'), 'utf8'))).toMatchObject({ x: 'return', reference: 134.51 });
  });

  it('prints the calendar check with the repair and flags the Vogt SVI interval', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-marg-'));
    const text = await run([`${dir}AMZN_call_price.csv`, `${dir}AMZN_put_price.csv`, '--column', 'period 1', '--column', 'period 2', '--align-mean', '--out', out]);
    expect(text).toMatch(/calendar: "call price at period 1" <=c "call price at period 2" ok/);
    expect(text).toMatch(/removed put 50: 0.01 stale/);
    const svi = await runAll(['--svi=-0.0410,0.1331,0.3586,0.3060,0.4153']);
    expect(svi.out).toMatch(/BUTTERFLY ARBITRAGE .* k in \[0\.64\d, 1\.25\d\]/);
    // the check found arbitrage: CheckFailed, which the CLI turns into exit code 3
    expect(svi.error).toBeInstanceOf(CheckFailed);
    expect((await runAll(['--svi=0.04,0.1,0,-0.5,0.2'])).error).toBeUndefined();
  });

  it('writes a density file whose cdf column is the running integral of its density', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-marg-'));
    const json = JSON.parse(await run([`${dir}AMZN_call_price.csv`, `${dir}AMZN_put_price.csv`, '--column', 'period 3', '--out', out, '--json']));
    const d = readFileSync(json.expiries[0].files.density, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    let cum = 0;
    for (let j = 1; j < d.length; j++) {
      cum += 0.5 * (d[j][1] + d[j - 1][1]) * (d[j][0] - d[j - 1][0]);
      expect(Math.abs(cum - d[j][2])).toBeLessThan(1e-9);
    }
    // about three months of a ~45%-volatility stock: relative sd near 0.45 * sqrt(0.25)
    const rel = json.expiries[0].sd / json.expiries[0].forward;
    expect(rel).toBeGreaterThan(0.15);
    expect(rel).toBeLessThan(0.35);
  });
});
