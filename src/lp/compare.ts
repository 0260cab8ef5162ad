import type { References } from '../models/references.js';
import type { BoundSide } from '../problem.js';
import type { LpBoundResult } from './bounds.js';
import { referenceLines, type LpReport } from './report.js';

/** What the comparison needs of a neural bound (the keys of `vmot bounds --json`). */
export interface NeuralSide {
  value: number;
  primal: number;
  stderr: number;
  /** E_theta[beta'_gamma(c - phi)]: mass of the primal density, 1 at convergence. */
  mass: number;
}

/** A neural bound whose primal density's mass is off by more than this factor has diverged: its error bar means nothing. */
const MASS_FACTOR = 2;

export interface SideComparison {
  side: BoundSide;
  neural: number;
  lp: number;
  /** neural - lp */
  gap: number;
  /** Neural error: its dual-primal gap plus two standard errors of the primal estimate. */
  neuralError: number;
  discretizationError: number;
  /** The neural primal density's mass is within a factor 2 of 1. */
  neuralConverged: boolean;
  neuralMass: number;
  /** Converged, and |gap| <= neural error + discretization error. */
  agree: boolean;
  /**
   * Whether each value lies inside the transport (Frechet) bounds of the last date; null when they do not apply.
   * The neural value is held to the continuous bounds [low, high] within its error; the LP, solved exactly on its
   * atoms, to the bounds of those atoms [lpLow, lpHigh] within solver tolerance (LP_TOLERANCE relative).
   */
  insideTransport: { neural: boolean; lp: boolean; low: number; high: number; lpLow: number; lpHigh: number } | null;
}

/** Relative slack of the LP against its atoms' transport bounds (interior-point tolerance 1e-9, plus rounding). */
const LP_TOLERANCE = 1e-6;

/** Neural vs LP for one side: they agree when the neural dual converged and |gap| <= neural error + discretization error. */
export function compareSide(side: BoundSide, n: NeuralSide, lp: LpBoundResult, ref: References): SideComparison {
  const neuralError = Math.abs(n.value - n.primal) + 2 * n.stderr;
  const discretizationError = lp.discretizationError ?? 0;
  const gap = n.value - lp.value;
  let insideTransport: SideComparison['insideTransport'] = null;
  if (ref.comonotone !== undefined && ref.antitone !== undefined) {
    const low = Math.min(ref.comonotone, ref.antitone);
    const high = Math.max(ref.comonotone, ref.antitone);
    const t = lp.transport ?? {};
    const lpLow = Math.min(t.comonotone ?? low, t.antitone ?? low);
    const lpHigh = Math.max(t.comonotone ?? high, t.antitone ?? high);
    const tol = LP_TOLERANCE * Math.max(Math.abs(lpLow), Math.abs(lpHigh));
    insideTransport = {
      neural: n.value >= low - neuralError && n.value <= high + neuralError,
      lp: lp.value >= lpLow - tol && lp.value <= lpHigh + tol,
      low,
      high,
      lpLow,
      lpHigh,
    };
  }
  const neuralConverged = n.mass >= 1 / MASS_FACTOR && n.mass <= MASS_FACTOR;
  const agree = neuralConverged && Math.abs(gap) <= neuralError + discretizationError;
  return { side, neural: n.value, lp: lp.value, gap, neuralError, discretizationError, neuralConverged, neuralMass: n.mass, agree, insideTransport };
}

export function compareReports(neural: { upper?: NeuralSide; lower?: NeuralSide }, lp: LpReport): SideComparison[] {
  const out: SideComparison[] = [];
  for (const side of ['upper', 'lower'] as const) {
    const n = neural[side];
    const l = lp[side];
    if (n && l) out.push(compareSide(side, n, l, lp.references));
  }
  return out;
}

export function comparisonText(name: string, rows: SideComparison[], ref: References): string {
  const f = (x: number) => x.toPrecision(6);
  const g = (x: number) => x.toPrecision(2);
  const lines = [`${name}: neural dual vs linear program`, `  side    neural      LP          gap        neural err  discr. err  agree  inside transport`];
  for (const r of rows) {
    const inside = r.insideTransport ? `${r.insideTransport.neural ? 'yes' : 'NO'}/${r.insideTransport.lp ? 'yes' : 'NO'}` : '-';
    lines.push(`  ${r.side.padEnd(6)}  ${f(r.neural).padEnd(10)}  ${f(r.lp).padEnd(10)}  ${g(r.gap).padEnd(9)}  ${g(r.neuralError).padEnd(10)}  ${g(r.discretizationError).padEnd(10)}  ${(r.agree ? 'yes' : 'NO').padEnd(5)}  ${inside}`);
  }
  const t = rows.find((r) => r.insideTransport)?.insideTransport;
  if (t) {
    lines.push(`  transport bounds on the LP's last-date atoms: ${f(t.lpLow)} / ${f(t.lpHigh)} (low / high; the LP is held to these,`);
    lines.push(`  the neural value to the continuous ones below; a bound at 0% is one where the martingale constraints do not bind)`);
    for (const r of rows) {
      const edge = r.side === 'upper' ? t.lpHigh : t.lpLow;
      lines.push(`  ${r.side} LP - its atoms' ${r.side === 'upper' ? 'high' : 'low'} transport bound: ${g(r.lp - edge)} (${(100 * ((r.lp - edge) / Math.abs(edge))).toFixed(3)}% of its size)`);
    }
  }
  for (const r of rows)
    if (!r.neuralConverged) lines.push(`  warning: the neural ${r.side} bound diverged (primal mass ${r.neuralMass.toPrecision(3)}, not within a factor 2 of 1); trust the LP value`);
  lines.push(...referenceLines(ref));
  return `${lines.join('\n')}\n`;
}
