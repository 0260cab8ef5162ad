import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { parseProblem } from '../../src/problem/problem.js';

// Property-based test of input handling (fast-check): random mutations of valid problem files, including extreme
// numbers (1e308, Infinity from a JSON 1e999, -0), wrong types, deleted and unknown keys. Every one must be accepted
// or refused with one VmotError line naming the field: no other exception, no hang.

const normal = (mean: number, sd: number) => ({ dist: 'normal', mean, sd });
const BASES: Record<string, unknown>[] = [
  { marginals: [[normal(0, 1), normal(0, 1.2)], [normal(0, 2), normal(0, 2.2)]], payoff: { type: 'quadratic', date: 1, matrix: [[0, 1], [0, 0]] }, training: { steps: 10 } },
  {
    marginals: [[{ dist: 'lognormal', forward: 100, sigma: 0.1 }, { dist: 'uniform', low: 90, high: 110 }], [{ dist: 'lognormal', forward: 100, sigma: 0.2 }, { dist: 'uniform', low: 80, high: 120 }]],
    payoff: { type: 'sum', terms: [{ weight: 1, payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 100 } }, { weight: -2, payoff: { type: 'forward-start', asset: 0, from: 0, to: 1, strike: 1, kind: 'put' } }] },
    formulation: 'auto',
    bounds: ['lower'],
  },
  {
    marginals: [[{ dist: 'empirical', samples: [-1, 0, 1] }], [{ dist: 'empirical', samples: [-2, -1, 0, 1, 2] }], [{ dist: 'empirical', samples: [-3, 0, 3] }]],
    payoff: { type: 'expression', expr: 'max(s[2][0] - s[0][0], 0) + abs(s[1][0])' },
    convexOrder: { meanTol: 1e-4, callTol: 1e-3 },
  },
];

/** Every path into a JSON value: keys of objects and indices of arrays. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return [prefix, ...keys.flatMap((k) => paths((v as Record<string | number, unknown>)[k], [...prefix, k]))];
}

function mutate(base: unknown, edits: { at: number; op: 'set' | 'delete' | 'add'; value: unknown }[]): unknown {
  const doc = structuredClone(base) as Record<string | number, unknown>;
  for (const e of edits) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[e.at % all.length];
    let parent: Record<string | number, unknown> = doc;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = p[p.length - 1];
    if (e.op === 'delete') Array.isArray(parent) ? parent.splice(Number(last), 1) : delete parent[last];
    else if (e.op === 'add' && !Array.isArray(parent)) parent[`extra${e.at}`] = e.value;
    else parent[last] = e.value;
  }
  return doc;
}

const extreme = fc.oneof(
  fc.constantFrom(1e308, -1e308, Infinity, -Infinity, 0, -0, 5e-324, 1e15, -1, 2 ** 53, 1e200),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(null, true, [], {}, [[]], 'normal', 'quadratic', 'reduced', 'upper', 'x[0]^', 's[9][9]'),
  fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 4 }),
);
const edit = fc.record({ at: fc.nat(), op: fc.constantFrom<'set' | 'delete' | 'add'>('set', 'set', 'set', 'delete', 'add'), value: extreme });
const problemFile = fc.tuple(fc.nat({ max: BASES.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([b, edits]) => mutate(BASES[b], edits));

describe('fuzzed problem files', () => {
  it('are accepted, or refused with one VmotError line naming the field, in bounded time', async () => {
    const stats = { cases: 0, accepted: 0, refused: 0, slowestMs: 0 };
    const fields = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(problemFile, async (raw) => {
        const t0 = performance.now();
        const r = await parseProblem(raw, '.').then(
          () => undefined,
          (e: unknown) => e,
        );
        const ms = performance.now() - t0;
        stats.cases += 1;
        stats.slowestMs = Math.max(stats.slowestMs, ms);
        if (r === undefined) stats.accepted += 1;
        else {
          stats.refused += 1;
          expect(r).toBeInstanceOf(VmotError);
          const msg = (r as Error).message;
          expect(msg).not.toMatch(/\n/);
          expect(msg.length).toBeLessThan(600);
          const field = (r as VmotError).field ?? '(none)';
          fields.set(field.replace(/\[\d+\]/g, '[i]'), (fields.get(field.replace(/\[\d+\]/g, '[i]')) ?? 0) + 1);
        }
        expect(ms).toBeLessThan(20_000);
      }),
      { numRuns: 400, seed: 20261129 },
    );
    console.log(`fuzz (fast-check, seed 20261129): ${JSON.stringify(stats)}; refusals by field: ${JSON.stringify(Object.fromEntries([...fields].sort((a, b) => b[1] - a[1])))}`);
    expect(stats.cases).toBe(400);
    expect(stats.refused).toBeGreaterThan(100);
  }, 600_000);

  it('through the vmot command: exit 0, 2 or 3, at most one stderr line, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmot-fuzz-cli-'));
    const texts = fc.sample(
      fc.oneof(
        problemFile.map((p) => JSON.stringify(p)),
        problemFile.map((p) => JSON.stringify(p).replace(/1e\+?308/g, '1e999')),
        problemFile.map((p) => JSON.stringify(p).slice(0, 40)),
      ),
      { numRuns: 16, seed: 7 },
    );
    texts.forEach((text, i) => {
      const file = join(dir, `p${i}.json`);
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, ['bin/vmot.js', 'bounds', file, '--method', 'lp', '--atoms', '3', '--quiet', '--out', join(dir, `out${i}`)], { encoding: 'utf8', timeout: 120_000 });
      expect([0, 2, 3]).toContain(r.status);
      const lines = r.stderr.trim() === '' ? [] : r.stderr.trim().split('\n').filter((l) => !l.startsWith('vmot: note:'));
      expect(lines.length).toBeLessThanOrEqual(1);
      if (lines.length === 1) expect(lines[0]).toMatch(/^vmot: (error|check): /);
      expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    });
  }, 600_000);
});
