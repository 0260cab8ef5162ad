import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundsCommand } from '../../src/cli/bounds.js';
import { comparisonText } from '../../src/report/compare.js';
import { compareSide } from '../../src/solvers/compare.js';
import type { BoundResult } from '../../src/solvers/result.js';

/** Keys every solver's bound has in `vmot bounds --json` (the solver seam's BoundResult, less the trace). */
const SHARED_KEYS = ['solver', 'side', 'value', 'primal', 'stderr', 'discretizationError', 'error', 'converged', 'formulation', 'map', 'exact', 'reason', 'warnings', 'engine', 'steps', 'seconds', 'checks', 'reliable', 'details'];

describe('vmot bounds --method lp', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the shared JSON shape with the LP values, references, and writes couplings and potentials', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-lp-cli-'));
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
    await boundsCommand().parseAsync(['examples/gaussian-d2.json', '--method', 'lp', '--atoms', '12', '--json', '--out', out], { from: 'user' });
    const res = JSON.parse(text);
    for (const side of ['upper', 'lower']) expect(Object.keys(res[side]).sort()).toEqual([...SHARED_KEYS, 'transport'].sort());
    expect(Object.keys(res)).toEqual(['name', 'solver', 'upper', 'lower', 'formulation', 'warnings', 'references', 'seconds', 'provenance']);
    expect(res.solver).toBe('lp');
    const exact = res.references.exact.upper;
    expect(exact).toBeCloseTo(1.472853, 6);
    expect(Math.abs(res.upper.value - exact)).toBeLessThan(res.upper.discretizationError);
    expect(res.upper.error).toBe(res.upper.discretizationError);
    expect(res.upper.details.atoms).toEqual([[12, 12], [12, 12]]);
    expect(res.upper.details.mass).toBeCloseTo(1, 6);
    const sol = JSON.parse(readFileSync(join(out, 'lp-upper.json'), 'utf8')).result;
    // the exported static potentials integrate against the atoms' weights to the reported dual value (2.8)
    expect(sol.details.potentials.statics.length).toBe(3);
    const integral = sol.details.potentials.statics.reduce((s: number, g: { w: number[]; value: number[] }) => s + g.w.reduce((a, w, k) => a + w * g.value[k], 0), 0);
    expect(integral).toBeCloseTo(res.upper.value, 12);
    expect(sol.details.coupling.paths[0]).toHaveLength(4);
    expect(existsSync(join(out, 'lp-result.json'))).toBe(true);
    // a rerun reuses the finished bounds (same problem, solver and options): the same numbers, no new solve
    text = '';
    await boundsCommand().parseAsync(['examples/gaussian-d2.json', '--method', 'lp', '--atoms', '12', '--json', '--out', out], { from: 'user' });
    const again = JSON.parse(text);
    expect(again.upper.value).toBe(res.upper.value);
    expect(again.upper.seconds).toBe(res.upper.seconds);
    // --lp-algorithm ipx is another solve (other options), of the same LP: the same value, and the engine says which
    text = '';
    await boundsCommand().parseAsync(['examples/gaussian-d2.json', '--method', 'lp', '--atoms', '12', '--lp-algorithm', 'ipx', '--json', '--out', out], { from: 'user' });
    const ipx = JSON.parse(text);
    expect(res.upper.engine).toMatch(/column generation/);
    expect(ipx.upper.engine).toMatch(/ipx/);
    expect(Math.abs(ipx.upper.value - res.upper.value)).toBeLessThan(1e-8);
    expect(ipx.upper.details.generated).toBe(ipx.upper.details.columns);
    expect(res.upper.details.generated).toBeLessThan(res.upper.details.columns);
  });

  it('--atoms auto refines to --lp-tol and reports the grids and what stopped it; --lp-tol alone is refused', async () => {
    const out = mkdtempSync(join(tmpdir(), 'vmot-lp-auto-'));
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
    await boundsCommand().parseAsync(['examples/basket-call-d2.json', '--method', 'lp', '--atoms', 'auto', '--lp-tol', '0.02', '--json', '--out', out], { from: 'user' });
    const res = JSON.parse(text);
    for (const side of ['upper', 'lower']) {
      const b = res[side];
      expect(b.details.stoppedBy).toBe('target');
      expect(b.error).toBeLessThanOrEqual(0.02 * Math.abs(b.value));
      expect(b.details.grids.length).toBeGreaterThanOrEqual(3);
      expect(b.details.grids.at(-1).atoms).toBe(b.details.atoms[1][0]);
    }
    await expect(boundsCommand().parseAsync(['examples/basket-call-d2.json', '--method', 'lp', '--lp-tol', '0.02'], { from: 'user' })).rejects.toThrow(/--lp-tol: applies to --atoms auto only/);
  });

  it('rejects an unknown method naming --method', async () => {
    const cmd = boundsCommand().exitOverride().configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['examples/gaussian-d2.json', '--method', 'simplex'], { from: 'user' })).rejects.toThrow(/--method must be one of neural, lp, rmot, both/);
  });
});

describe('two solvers compared', () => {
  /** A bound with the fields the comparison reads; the rest of the shared shape is irrelevant here. */
  const bound = (solver: string, side: 'upper' | 'lower', value: number, error: number, extra: Partial<BoundResult> = {}) =>
    ({ solver, side, value, error, converged: true, ...extra }) as BoundResult;
  const neural = (side: 'upper' | 'lower', value: number, primal: number, stderr: number, mass = 1) =>
    bound('neural', side, value, Math.abs(value - primal) + 2 * stderr, { converged: mass >= 0.5 && mass <= 2 });
  const lp = bound('lp', 'upper', 1.0, 0.01);
  const ref = { comonotone: 1.1, antitone: -1.1, independent: { value: 0, stderr: 0 } };
  it('agree when the gap is within the sum of their error bars', () => {
    // neural error = |dual - primal| + 2 stderr = 0.01 + 0.004
    const c = compareSide(neural('upper', 1.02, 1.01, 0.002, 1.5), lp, ref);
    expect(c.gap).toBeCloseTo(0.02, 15);
    expect(c.a.error).toBeCloseTo(0.014, 15);
    expect(c.agree).toBe(true);
    expect(compareSide(neural('upper', 1.03, 1.025, 0.002), lp, ref).agree).toBe(false);
    // a diverged neural dual (primal mass 342, huge error bar) never counts as agreeing
    const diverged = compareSide(neural('lower', -0.74, -474, 4.8, 342), bound('lp', 'lower', -1.47, 0.017), ref);
    expect(diverged.a.converged).toBe(false);
    expect(diverged.agree).toBe(false);
  });
  it('hold each value to the transport bounds of the last date', () => {
    const c = compareSide(neural('upper', 1.2, 1.2, 0), bound('lp', 'upper', 1.0, 0.01, { transport: { comonotone: 1.1, antitone: -1.1 } }), ref);
    expect([c.a.insideTransport, c.b.insideTransport, c.a.low, c.a.high, c.b.low, c.b.high]).toEqual([false, true, -1.1, 1.1, -1.1, 1.1]);
    // a value solved exactly on discrete laws is held to their bounds within 1e-6 relative, not to the continuous ones within its error
    const atoms = { comonotone: 1.05, antitone: -1.05 };
    const lower = (v: number) => compareSide(neural('lower', v, v, 0), bound('lp', 'lower', v, 0.01, { transport: atoms }), ref).b;
    expect(lower(-1.06).insideTransport).toBe(false);
    expect(lower(-1.05 - 5e-7).insideTransport).toBe(true);
    expect(lower(-1.06).low).toBe(-1.05);
    expect(compareSide(neural('upper', 1, 1, 0), lp, { independent: ref.independent }).a.insideTransport).toBeNull();
  });
  it("print each exact bound's slack inside its own laws' transport bound, as a share of that bound's size", () => {
    const atoms = { comonotone: 1.05, antitone: -1.05 };
    const rows = (['upper', 'lower'] as const).map((side) => {
      const v = side === 'upper' ? 1.0395 : -1.0395;
      return compareSide(neural(side, v, v, 0), bound('lp', side, v, 0.01, { transport: atoms }), ref);
    });
    const text = comparisonText('t', rows, ref);
    // 1.0395 is 1% inside 1.05 on both sides: -1% below the high bound, +1% above the low bound
    expect(text).toContain('upper lp - its high transport bound: -0.010 (-1.000% of its size)');
    expect(text).toContain('lower lp - its low transport bound: 0.010 (1.000% of its size)');
  });
});
