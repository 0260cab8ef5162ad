import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { parseProblem, loadProblem } from '../../src/problem/problem.js';

const n = (mean: number, sd: number) => ({ dist: 'normal', mean, sd });
const good = () => ({
  name: 'ok',
  marginals: [
    [n(0, 1), n(0, 1.2)],
    [n(0, 2), n(0, 2.5)],
  ],
  payoff: { type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] },
});

const bad: [string, (p: ReturnType<typeof good>) => unknown, RegExp][] = [
  ['marginals out of convex order', (p) => ((p.marginals[1][1] = n(0, 1)), p), /marginals\[1\]\[1\]: asset 1 is not in convex order between dates 0 and 1/],
  ['different means across dates', (p) => ((p.marginals[1][0] = n(0.5, 2)), p), /asset 0 is not in convex order between dates 0 and 1: means differ/],
  ['unknown payoff type', (p) => ({ ...p, payoff: { type: 'cliquet' } }), /payoff\.type: unknown payoff type "cliquet"/],
  ['d mismatch between dates', (p) => ((p.marginals[1] = [n(0, 2)]), p), /marginals\[1\]: date 1 has 1 assets, date 0 has 2/],
  ['negative sd', (p) => ((p.marginals[0][1] = n(0, -1)), p), /marginals\[0\]\[1\]\.sd: must be positive/],
  ['unknown distribution', (p) => ((p.marginals[0][0] = { dist: 'cauchy' } as never), p), /marginals\[0\]\[0\]\.dist: unknown distribution "cauchy"/],
  ['one date only', (p) => ({ ...p, marginals: [p.marginals[0]] }), /marginals: needs at least two dates/],
  ['unknown training key', (p) => ({ ...p, training: { sed: 1 } }), /training/],
  ['bad formulation', (p) => ({ ...p, formulation: 'half' }), /formulation/],
  ['a theta without independent part', (p) => ({ ...p, training: { thetaComonotone: 1 } }), /training\.thetaComonotone: must be below 1/],
];

describe('problem validation names the field and the reason', () => {
  it('accepts the good problem', async () => {
    const p = await parseProblem(good(), '.');
    expect([p.T, p.d, p.formulation, p.bounds.join()]).toEqual([2, 2, 'auto', 'upper,lower']);
  });
  for (const [name, mutate, re] of bad)
    it(name, async () => {
      await expect(parseProblem(mutate(good()), '.')).rejects.toThrow(VmotError);
      await expect(parseProblem(mutate(good()), '.')).rejects.toThrow(re);
    });
  it('malformed JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-'));
    writeFileSync(join(dir, 'p.json'), '{"marginals": [');
    await expect(loadProblem(join(dir, 'p.json'))).rejects.toThrow(/is not valid JSON/);
  });
  it('empirical marginal from a file, resolved next to the problem file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-'));
    writeFileSync(join(dir, 'x.txt'), '-1\n1\n');
    writeFileSync(join(dir, 'y.txt'), '-2\n0\n0\n2\n');
    const p = { ...good(), marginals: [[{ dist: 'empirical', file: 'x.txt' }], [{ dist: 'empirical', file: 'y.txt' }]], payoff: { type: 'expression', expr: 'y[0]^2' } };
    writeFileSync(join(dir, 'p.json'), JSON.stringify(p));
    const prob = await loadProblem(join(dir, 'p.json'));
    expect(prob.marginals[1][0].variance).toBe(2);
    writeFileSync(join(dir, 'bad.txt'), '1\nabc\n');
    writeFileSync(join(dir, 'q.json'), JSON.stringify({ ...p, marginals: [[{ dist: 'empirical', file: 'bad.txt' }], [{ dist: 'empirical', file: 'y.txt' }]] }));
    await expect(loadProblem(join(dir, 'q.json'))).rejects.toThrow(/marginals\[0\]\[0\]\.file: line 2 of .* is not a number: "abc"/);
  });
});

describe('the CLI turns bad input into a one-line message and a non-zero exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmot-cli-'));
  const run = (problem: unknown | string) => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof problem === 'string' ? problem : JSON.stringify(problem));
    return spawnSync(process.execPath, ['bin/vmot.js', 'bounds', file, '--out', join(dir, 'out')], { encoding: 'utf8' });
  };
  const cases: [string, unknown, RegExp][] = [
    ['malformed JSON', '{"marginals": [', /is not valid JSON/],
    ...bad.slice(0, 5).map(([name, mutate, re]): [string, unknown, RegExp] => [name, mutate(good()), re]),
  ];
  for (const [name, problem, re] of cases)
    it(name, () => {
      const r = run(problem);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    });
  it('a missing file', () => {
    const r = spawnSync(process.execPath, ['bin/vmot.js', 'bounds', join(dir, 'nope.json')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read problem file/);
  });
});
