import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// vmot as a user gets it: `npm pack` (which builds the kernels and dist/ at prepare), the tarball installed into an
// empty project (dependencies from the local npm cache), then used through its public API, its binary and its types.
const root = resolve('.');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
const project = mkdtempSync(join(tmpdir(), 'vmot-consumer-'));
const sh = (cmd: string, args: string[], cwd = project) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const problem = {
  name: 'consumer',
  marginals: [
    [{ dist: 'normal', mean: 0, sd: 1 }, { dist: 'normal', mean: 0, sd: 1.2 }],
    [{ dist: 'normal', mean: 0, sd: 2 }, { dist: 'normal', mean: 0, sd: 2.2 }],
  ],
  payoff: { type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] },
  bounds: ['upper'],
  training: { steps: 60, batch: 1024, evalSamples: 4096 },
};

beforeAll(() => {
  const [{ filename }] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', project], root));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  sh('npm', ['install', join(project, filename), '--prefer-offline', '--no-audit', '--no-fund']);
  writeFileSync(join(project, 'problem.json'), JSON.stringify(problem));
});

describe('the installed package', () => {
  it('ships the compiled kernels: a bound through the public API runs the native kernel built at install (else a SIMD one) and carries its provenance', () => {
    writeFileSync(
      join(project, 'api.mjs'),
      `import { loadProblem, solveAll, neuralSolver, vmotVersion } from 'vmot';
       const report = await solveAll(await loadProblem('problem.json'), neuralSolver);
       console.log(JSON.stringify({ engine: report.upper.engine, value: report.upper.value, version: vmotVersion(), provenance: report.provenance }));`,
    );
    const r = JSON.parse(sh(process.execPath, ['api.mjs']).trim().split('\n').at(-1)!);
    // the install script builds native/kernel.cc where node-gyp, g++ and the Node.js headers are found (as here on CI)
    const native = existsSync(join(project, 'node_modules', 'vmot', 'native', 'build', 'Release', 'vmot_kernel.node'));
    expect(r.engine).toMatch(native ? /^wasm-native-\dt$/ : /^wasm-(relaxed-)?simd-\dt$/);
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.version).toBe(version);
    expect(r.provenance).toMatchObject({ vmot: version, solver: 'neural', seed: 7, input: { problem: 'consumer' } });
  });

  it('installs the vmot binary: --version prints the package version, bounds --json runs a compiled kernel', () => {
    const bin = join(project, 'node_modules', '.bin', 'vmot');
    expect(sh(bin, ['--version']).trim()).toBe(version);
    const run = spawnSync(bin, ['bounds', 'problem.json', '--json', '--quiet', '--out', join(project, 'runs')], { cwd: project, encoding: 'utf8' });
    const r = JSON.parse(run.stdout);
    // 60 training steps: the exit code is 0 when the bound passed its checks, 3 (and says so) when it did not
    expect(run.status).toBe(r.upper.reliable ? 0 : 3);
    if (!r.upper.reliable) expect(run.stderr).toMatch(/^vmot: check: the neural upper bound failed its checks/m);
    expect(r.upper.engine).toMatch(/^wasm-(native|relaxed-simd|simd)-\dt$/);
    expect(r.provenance.vmot).toBe(version);
  });

  it('types a problem literal: a misspelt field is a compile error', () => {
    writeFileSync(
      join(project, 'typed.ts'),
      `import type { ProblemSpec } from 'vmot';
       export const good: ProblemSpec = ${JSON.stringify(problem)} as const;
       export const bad: ProblemSpec = {
         marginals: [[{ dist: 'normal', mean: 0, sd: 1 }], [{ dist: 'normal', mean: 0, sd: 2 }]],
         // @ts-expect-error: "strik" is not a field of a basket call (the compile fails if this line type-checks)
         payoff: { type: 'basket-call', date: 1, weights: [1], strik: 0.5 },
       };`,
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true }, files: ['typed.ts'] }));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
    // and without the directive the typo is reported, naming the field
    writeFileSync(join(project, 'typed.ts'), readFileSync(join(project, 'typed.ts'), 'utf8').replace(/\/\/ @ts-expect-error.*\n/, ''));
    const typo = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(typo.status).not.toBe(0);
    expect(typo.stdout).toMatch(/strik/);
  });

  it('prices a rough Heston smile with the shipped build/rough.wasm (QuantLib reference prices), and without it says what to run', () => {
    const ref = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'reference', 'rough-heston-quantlib.json'), 'utf8'));
    const bin = join(project, 'node_modules', '.bin', 'vmot');
    const args = ['smile', join(project, 'node_modules', 'vmot', 'examples', 'rough-heston-quantlib.json'), '--model', 'rough-heston', '--maturity', '1', '--strikes', '75,100,130', '--json'];
    const smile = JSON.parse(sh(bin, args));
    for (const row of smile.rows) expect(Math.abs(row.call - ref.calls['1'][String(row.strike)])).toBeLessThan(2e-4);
    rmSync(join(project, 'node_modules', 'vmot', 'build', 'rough.wasm'));
    const r = spawnSync(bin, args, { cwd: project, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vmot: error: build\/rough\.wasm not found in .*: the rough Heston pricer needs it \(run "npm run build:wasm"\)\n$/);
  });

  it('says so on stderr when an install lacks the compiled kernels, and falls back', () => {
    for (const k of ['relaxed-simd', 'simd']) rmSync(join(project, 'node_modules', 'vmot', 'build', `kernel-${k}.wasm`));
    rmSync(join(project, 'node_modules', 'vmot', 'native', 'build'), { recursive: true, force: true });
    const r = spawnSync(join(project, 'node_modules', '.bin', 'vmot'), ['bounds', 'problem.json', '--json', '--quiet', '--steps', '5', '--out', join(project, 'runs-ts')], { cwd: project, encoding: 'utf8' });
    const json = JSON.parse(r.stdout);
    expect(r.status).toBe(json.upper.reliable ? 0 : 3);
    expect(r.stderr).toMatch(/warning: build\/kernel-relaxed-simd\.wasm and build\/kernel-simd\.wasm not found .* falls back to the slower ts kernel/);
    // the warning once, and the check's verdict when the 5-step bound failed it
    expect(r.stderr.trim().split('\n')).toHaveLength(json.upper.reliable ? 1 : 2);
    expect(json.upper.engine).toMatch(/^wasm-ts-/);
  });
});
