import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expandBook } from '../../src/book/jobs.js';
import { parseBook } from '../../src/book/spec.js';
import { attempts } from '../../src/book/store.js';
import { bookCommand } from '../../src/cli/book.js';
import { CheckFailed, VmotError } from '../../src/core/errors.js';
import { newMarginalCache, parseProblem } from '../../src/problem/problem.js';
import { solveAll } from '../../src/solvers/solve.js';
import { lpSolver } from '../../src/solvers/lp/index.js';

const marginals = [
  [{ dist: 'normal', mean: 0, sd: 1 }, { dist: 'normal', mean: 0, sd: 1.2 }],
  [{ dist: 'normal', mean: 0, sd: 1.5 }, { dist: 'normal', mean: 0, sd: 1.6 }],
];
const ladder = (strikes: number[], extra: Record<string, unknown> = {}) => ({
  name: 'ladder',
  problem: { marginals },
  payoffs: [{ name: 'call', payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 0 }, vary: { field: 'strike', values: strikes } }],
  solvers: ['lp'],
  options: { lp: { atoms: 10 } },
  ...extra,
});

const error = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('book file', () => {
  it('expands a family into one payoff per value and refuses bad input naming the field', () => {
    const b = parseBook(ladder([-1, 0, 1]), '.');
    expect(b.payoffs.map((p) => [p.label, p.spec.strike])).toEqual([
      ['call strike=-1', -1],
      ['call strike=0', 0],
      ['call strike=1', 1],
    ]);
    expect(b.sides).toEqual(['upper', 'lower']);
    expect(error(() => parseBook(ladder([1], { solvers: ['simplex'] }), '.'))).toBe('solvers[0]: must be one of neural, lp, rmot, got "simplex"');
    expect(error(() => parseBook({ ...ladder([1]), payoffs: [{ payoff: { type: 'basket-call' }, vary: { field: 'strik', values: [1] } }] }, '.'))).toBe('payoffs[0].vary.field: the payoff has no field "strik"');
    expect(error(() => parseBook({ ...ladder([1]), payoffs: [{ payoff: { type: 'basket-call' } }, { payoff: { type: 'basket-call' } }] }, '.'))).toBe('payoffs[1]: two payoffs are labelled "basket-call"; give each entry its own "name"');
    expect(error(() => parseBook({ ...ladder([1]), problem: { marginals, payoff: {} } }, '.'))).toBe('problem.payoff: the book gives these in "payoffs" and "sides"; remove "payoff" here');
    expect(error(() => parseBook({ ...ladder([1]), options: { neural: {} } }, '.'))).toBe('options.neural: "neural" is not one of the book\'s solvers (lp)');
  });

  it('names the payoff of the book when one of its payoffs is invalid', async () => {
    const b = parseBook({ ...ladder([1]), payoffs: [{ name: 'bad', payoff: { type: 'basket-call', date: 1, weights: [1, 2, 3], strike: 1 } }] }, '.');
    const e = await expandBook(b, newMarginalCache()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VmotError);
    expect((e as VmotError).message).toMatch(/^payoffs\[0\] \(bad\)\.weights: /);
  });

  it('gives each (payoff, side, solver) a content id and builds shared marginals once, again when a data file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-book-cache-'));
    const file = join(dir, 'x.txt');
    writeFileSync(file, '-1\n0\n1\n');
    const spec = { marginals: [[{ dist: 'empirical', file: 'x.txt' }], [{ dist: 'normal', mean: 0, sd: 2 }]], payoff: { type: 'basket-call', date: 1, weights: [1], strike: 0 } };
    const cache = newMarginalCache();
    const a = await parseProblem(structuredClone(spec), dir, { marginalCache: cache });
    const b = await parseProblem({ ...structuredClone(spec), payoff: { type: 'basket-put', date: 1, weights: [1], strike: 0 } }, dir, { marginalCache: cache });
    expect(b.marginals[0][0]).toBe(a.marginals[0][0]);
    expect(cache.size).toBe(1);
    writeFileSync(file, '-2\n0\n2\n');
    const c = await parseProblem(structuredClone(spec), dir, { marginalCache: cache });
    expect(c.marginals[0][0]).not.toBe(a.marginals[0][0]);
    expect(c.marginals[0][0].variance).toBeCloseTo(8 / 3, 12);
    expect(c.fingerprint).not.toBe(a.fingerprint);

    const book = parseBook(ladder([-1, 1]), '.');
    const jobs = await expandBook(book, newMarginalCache());
    expect(jobs.map((j) => [j.label, j.side])).toEqual([
      ['call strike=-1', 'upper'],
      ['call strike=-1', 'lower'],
      ['call strike=1', 'upper'],
      ['call strike=1', 'lower'],
    ]);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4);
    // the same content gives the same id, whatever its label or position
    const again = await expandBook(parseBook({ ...ladder([1]), payoffs: [{ name: 'renamed', payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 1 } }] }, '.'), newMarginalCache());
    expect(again.map((j) => j.id)).toEqual(jobs.slice(2).map((j) => j.id));
  });
});

describe('vmot book run (embedded)', () => {
  afterEach(() => vi.restoreAllMocks());

  const run = async (bookFile: string, out: string) => {
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await bookCommand().parseAsync(['run', bookFile, '--json', '--out', out, '--concurrency', '2'], { from: 'user' });
    vi.restoreAllMocks();
    return JSON.parse(text);
  };

  it('runs every job in pooled processes: each row the LP of its own problem, monotone in the strike, inside its transport bounds; a rerun runs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-book-'));
    const bookFile = join(dir, 'book.json');
    const strikes = [-1, -0.5, 0, 0.5, 1];
    writeFileSync(bookFile, JSON.stringify(ladder(strikes)));
    const s = await run(bookFile, join(dir, 'out'));
    expect([s.jobs, s.done, s.failed, s.unreliable]).toEqual([10, 10, 0, 0]);
    // the oracle: each problem solved alone through the solver seam
    for (const k of [0, 4]) {
      const p = await parseProblem({ marginals, payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: strikes[k] } }, '.');
      const alone = await solveAll(p, lpSolver, { options: { atoms: 10 } });
      expect(s.rows[2 * k].value).toBe(alone.upper!.value);
      expect(s.rows[2 * k + 1].value).toBe(alone.lower!.value);
    }
    expect(s.monotone.map((m: { side: string; direction: string; ok: boolean }) => [m.side, m.direction, m.ok])).toEqual([
      ['upper', 'decreasing', true],
      ['lower', 'decreasing', true],
    ]);
    for (let k = 0; k + 1 < strikes.length; k++) for (const side of [0, 1]) expect(s.rows[2 * k + 2 + side].value).toBeLessThanOrEqual(s.rows[2 * k + side].value);
    for (const r of s.rows) {
      expect(r.value).toBeGreaterThanOrEqual(r.transport.lo - 1e-9);
      expect(r.value).toBeLessThanOrEqual(r.transport.hi + r.error);
    }
    const csv = readFileSync(join(dir, 'out', 'book.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(11);
    expect(readFileSync(join(dir, 'out', 'book.html'), 'utf8')).toContain('bounds against strike');
    const again = await run(bookFile, join(dir, 'out'));
    expect(again.rows.map((r: { value: number }) => r.value)).toEqual(s.rows.map((r: { value: number }) => r.value));
    for (const r of again.rows) expect(attempts(join(dir, 'out', 'store'), r.id)).toHaveLength(1);
  });

  it('exits with a check failure when a row is unreliable, with every row still written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-book-bad-'));
    const bookFile = join(dir, 'book.json');
    // at 2 atoms per marginal the LP's upper bound leaves the continuous laws' transport bounds: marked unreliable
    writeFileSync(bookFile, JSON.stringify(ladder([0], { options: { lp: { atoms: 2 } } })));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const e = await bookCommand()
      .parseAsync(['run', bookFile, '--json', '--out', join(dir, 'out')], { from: 'user' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CheckFailed);
    const s = JSON.parse(readFileSync(join(dir, 'out', 'book.json'), 'utf8'));
    expect(s.jobs).toBe(2);
    expect(s.unreliable).toBe(1);
    expect(s.rows[0].reliable).toBe(false);
    expect(s.rows[0].warnings.join()).toMatch(/upper bound UNRELIABLE: .* outside the transport bounds/);
  });
});
