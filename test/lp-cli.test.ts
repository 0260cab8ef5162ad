import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundsCommand } from '../src/cli/bounds.js';
import { compareSide, comparisonText } from '../src/lp/compare.js';
import type { LpBoundResult } from '../src/lp/bounds.js';

/** Keys of a bound in `vmot bounds --json` (neural method). */
const NEURAL_KEYS = ['value', 'primal', 'stderr', 'mass', 'formulation', 'map', 'exact', 'reason', 'engine', 'steps', 'seconds'];

describe('vmot bounds --method lp', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the neural JSON shape with the LP values, references, and writes couplings and potentials', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-lp-cli-'));
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
    await boundsCommand().parseAsync(['examples/gaussian-d2.json', '--method', 'lp', '--atoms', '12', '--json', '--out', out], { from: 'user' });
    const res = JSON.parse(text);
    for (const side of ['upper', 'lower']) for (const k of NEURAL_KEYS) expect(res[side]).toHaveProperty(k);
    expect(Object.keys(res)).toEqual(expect.arrayContaining(['name', 'upper', 'lower', 'formulation', 'warnings', 'backend', 'seconds']));
    const exact = res.references.exact.upper;
    expect(exact).toBeCloseTo(1.472853, 6);
    expect(Math.abs(res.upper.value - exact)).toBeLessThan(res.upper.discretizationError);
    expect(res.upper.atoms).toEqual([[12, 12], [12, 12]]);
    expect(res.upper.mass).toBeCloseTo(1, 6);
    const sol = JSON.parse(readFileSync(join(out, 'lp-upper.json'), 'utf8'));
    // the exported static potentials integrate against the atoms' weights to the reported dual value (2.8)
    expect(sol.potentials.statics.length).toBe(3);
    const integral = sol.potentials.statics.reduce((s: number, g: { w: number[]; value: number[] }) => s + g.w.reduce((a, w, k) => a + w * g.value[k], 0), 0);
    expect(integral).toBeCloseTo(res.upper.value, 12);
    expect(sol.coupling.paths[0]).toHaveLength(4);
    expect(existsSync(join(out, 'lp-result.json'))).toBe(true);
  });

  it('rejects an unknown method naming --method', async () => {
    const cmd = boundsCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['examples/gaussian-d2.json', '--method', 'simplex'], { from: 'user' })).rejects.toThrow(/--method must be one of neural, lp, both/);
  });
});

describe('neural vs LP comparison', () => {
  const lp = { value: 1.0, discretizationError: 0.01 } as LpBoundResult;
  const ref = { comonotone: 1.1, antitone: -1.1, independent: { value: 0, stderr: 0 } };
  it('agrees when the gap is within the neural error plus the discretization error', () => {
    // neural error = |dual - primal| + 2 stderr = 0.01 + 0.004
    const c = compareSide('upper', { value: 1.02, primal: 1.01, stderr: 0.002, mass: 1.5 }, lp, ref);
    expect(c.gap).toBeCloseTo(0.02, 15);
    expect(c.neuralError).toBeCloseTo(0.014, 15);
    expect(c.agree).toBe(true);
    expect(compareSide('upper', { value: 1.03, primal: 1.025, stderr: 0.002, mass: 1 }, lp, ref).agree).toBe(false);
    // a diverged neural dual (primal mass 342, huge error bar) never counts as agreeing
    const diverged = compareSide('lower', { value: -0.74, primal: -474, stderr: 4.8, mass: 342 }, { value: -1.47, discretizationError: 0.017 } as LpBoundResult, ref);
    expect(diverged.neuralConverged).toBe(false);
    expect(diverged.agree).toBe(false);
  });
  it('checks both values against the transport bounds of the last date', () => {
    const c = compareSide('upper', { value: 1.2, primal: 1.2, stderr: 0, mass: 1 }, lp, ref);
    expect(c.insideTransport).toEqual({ neural: false, lp: true, low: -1.1, high: 1.1, lpLow: -1.1, lpHigh: 1.1 });
    // the LP is held to its own atoms' bounds within 1e-6 relative, not to the continuous ones within its discretization error
    const atoms = { comonotone: 1.05, antitone: -1.05 };
    const lower = (v: number) => compareSide('lower', { value: v, primal: v, stderr: 0, mass: 1 }, { value: v, discretizationError: 0.01, transport: atoms } as LpBoundResult, ref).insideTransport!;
    expect(lower(-1.06).lp).toBe(false);
    expect(lower(-1.05 - 5e-7).lp).toBe(true);
    expect(lower(-1.06).lpLow).toBe(-1.05);
    expect(compareSide('upper', { value: 1, primal: 1, stderr: 0, mass: 1 }, lp, { independent: ref.independent }).insideTransport).toBeNull();
  });
  it('prints each LP bound inside its atoms\' bound as a positive slack, as a share of that bound\'s size', () => {
    const atoms = { comonotone: 1.05, antitone: -1.05 };
    const rows = (['upper', 'lower'] as const).map((side) => {
      const v = side === 'upper' ? 1.0395 : -1.0395;
      return compareSide(side, { value: v, primal: v, stderr: 0, mass: 1 }, { value: v, discretizationError: 0.01, transport: atoms } as LpBoundResult, ref);
    });
    const text = comparisonText('t', rows, ref);
    // 1.0395 is 1% inside 1.05 on both sides: -1% below the high bound, +1% above the low bound
    expect(text).toContain("upper LP - its atoms' high transport bound: -0.010 (-1.000% of its size)");
    expect(text).toContain("lower LP - its atoms' low transport bound: 0.010 (1.000% of its size)");
  });
});
