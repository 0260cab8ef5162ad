import type { BoundSide } from '../problem/formulation.js';
import type { References } from './references.js';
import type { BoundResult } from './result.js';

/** One side of a comparison: which solver, its value, its own error bar and whether it converged. */
export interface Compared {
  solver: string;
  value: number;
  error: number;
  converged: boolean;
  /** Inside the transport bounds it is held to (see SideComparison.insideTransport); null when they do not apply. */
  insideTransport: boolean | null;
  /** The transport bounds it is held to: its own (discrete laws, `own`) or the continuous ones. */
  low: number | null;
  high: number | null;
  own: boolean;
}

export interface SideComparison {
  side: BoundSide;
  a: Compared;
  b: Compared;
  /** a.value - b.value */
  gap: number;
  /** Both converged, and |gap| <= a.error + b.error. */
  agree: boolean;
}

/** Relative slack of a value solved exactly on discrete laws against those laws' transport bounds (interior-point tolerance 1e-9, plus rounding). */
const EXACT_TOLERANCE = 1e-6;

/**
 * Whether a bound lies inside the transport (Frechet) bounds of the last date, which no VMOT bound can leave (a
 * martingale coupling is a coupling of the last marginals; Lorentz 1953 for super-/submodular payoffs): a
 * result solved exactly on discrete laws (it carries their `transport`) is held to those within 1e-6 relative; any
 * other to the continuous laws' bounds within its own error bar.
 */
function held(r: BoundResult, ref: References): Compared {
  const base = { solver: r.solver, value: r.value, error: r.error, converged: r.converged };
  if (ref.comonotone === undefined || ref.antitone === undefined) return { ...base, insideTransport: null, low: null, high: null, own: false };
  const low = Math.min(ref.comonotone, ref.antitone);
  const high = Math.max(ref.comonotone, ref.antitone);
  if (!r.transport) return { ...base, insideTransport: r.value >= low - r.error && r.value <= high + r.error, low, high, own: false };
  const t = r.transport;
  const lo = Math.min(t.comonotone ?? low, t.antitone ?? low);
  const hi = Math.max(t.comonotone ?? high, t.antitone ?? high);
  const tol = EXACT_TOLERANCE * Math.max(Math.abs(lo), Math.abs(hi));
  return { ...base, insideTransport: r.value >= lo - tol && r.value <= hi + tol, low: lo, high: hi, own: true };
}

/** Two solvers' results for one side: they agree when both converged and |gap| <= the sum of their error bars. */
export function compareSide(a: BoundResult, b: BoundResult, ref: References): SideComparison {
  const ca = held(a, ref);
  const cb = held(b, ref);
  const gap = a.value - b.value;
  return { side: a.side, a: ca, b: cb, gap, agree: ca.converged && cb.converged && Math.abs(gap) <= ca.error + cb.error };
}

/** Both sides of two solvers' reports, where both solved them. */
export function compareReports(a: { upper?: BoundResult; lower?: BoundResult }, b: { upper?: BoundResult; lower?: BoundResult }, ref: References): SideComparison[] {
  const out: SideComparison[] = [];
  for (const side of ['upper', 'lower'] as const) {
    const x = a[side];
    const y = b[side];
    if (x && y) out.push(compareSide(x, y, ref));
  }
  return out;
}
