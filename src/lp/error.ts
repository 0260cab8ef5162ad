import type { Transport } from '../problem/couplings.js';

/** One solved grid of the discretized problem: atoms per marginal and the LP value. */
export interface GridValue {
  atoms: number;
  value: number;
  columns: number;
  seconds: number;
}

/** The discretization error estimate of the finest grid and what it is made of (README "Linear-programming cross-check"). */
export interface ErrorEstimate {
  /** The reported error: the largest of the parts (spread and Richardson times the safety factor 1.5). */
  error: number;
  /** max_j |V(N) - V(N_j)| over the two coarser grids. */
  spread: number;
  /** Richardson extrapolation V(N) + C N^-p fitted to the last three grids, when their values move monotonically. */
  richardson: { limit: number; order: number; error: number } | null;
  /** |T - V(N)| when the LP sits on the transport bound of its own last-date atoms; T: the continuous laws' bound. */
  transport: number | null;
}

/** Relative gap below which the LP value counts as sitting on its atoms' transport bound (interior-point tolerance). */
const ON_BOUND = 1e-6;
const ORDERS: [number, number] = [0.25, 6];
/**
 * Safety factor on the grid-comparison parts (1) and (2): coarse grids are not yet in the asymptotic regime (odd and
 * even atom counts alternate). In the coverage study (scripts/lp-coverage.ts and 246 grids of the README cases) the
 * factor 1 missed the T = 3 Gaussian at 6 atoms (needed 1.07); 1.5 covers every row, at a median 6x the true error.
 */
const SAFETY = 1.5;

/**
 * Order p and limit of V(n) = V + C n^-p through three grids n2 < n1 < n0 (Richardson 1911 extrapolation with a fitted
 * rate): p solves (V(n2) - V(n1)) / (V(n1) - V(n0)) = (n2^-p - n1^-p) / (n1^-p - n0^-p) by bisection, clamped to
 * [0.25, 6]. Null when the values do not move monotonically (oscillating convergence: no rate to fit).
 */
export function richardson(n: [number, number, number], v: [number, number, number]): { limit: number; order: number } | null {
  const [n2, n1, n0] = n;
  const d1 = v[1] - v[0];
  const d0 = v[2] - v[1];
  if (d1 === 0 || d0 === 0 || d0 * d1 < 0) return null;
  const ratio = d1 / d0;
  const f = (p: number) => (n2 ** -p - n1 ** -p) / (n1 ** -p - n0 ** -p) - ratio;
  let [lo, hi] = ORDERS;
  let p: number;
  if (f(lo) * f(hi) > 0) p = Math.abs(f(lo)) < Math.abs(f(hi)) ? lo : hi;
  else {
    for (let k = 0; k < 60; k++) {
      const mid = 0.5 * (lo + hi);
      if (f(lo) * f(mid) <= 0) hi = mid;
      else lo = mid;
    }
    p = 0.5 * (lo + hi);
  }
  const C = d0 / (n0 ** -p - n1 ** -p);
  return { limit: v[2] - C * n0 ** -p, order: p };
}

/**
 * Error estimate of the finest grid (the last of `grids`, increasing in atoms), from it and the two grids before it
 * (N / sqrt 2 and N / 2). Three parts, the largest reported
 * (the first two times SAFETY):
 * (1) the spread of the values over the coarser grids (N/sqrt 2, N/2), which covers oscillating convergence;
 * (2) the distance to the Richardson limit with a fitted rate, which covers slow monotone convergence (where the
 *     spread underestimates: with error C N^-p, |V(N) - V(N/2)| = (2^p - 1) err(N) < err(N) for p < 1);
 * (3) when the LP value is a transport value of its own last-date atoms (comonotone or antitone coupling: the
 *     martingale constraints do not bind on
 *     the atoms), the LP is solving the transport problem, whose continuous value T is known: |T - V(N)| is then the
 *     discretization error itself. This covers the payoff's kinks, whose error can stay constant over many grids
 *     (a strike inside one bin) where (1) and (2) see no change.
 * No part is a rigorous bound: the VMOT value is not monotone in the convex order of the marginals, so no bracket
 * between two discretizations exists in general. The coverage table (scripts/lp-coverage.ts) measures it.
 */
export function discretizationError(grids: GridValue[], transport: { atoms: Transport; continuous: Transport }): ErrorEstimate {
  // the finest grid and the two before it (N / sqrt 2 and N / 2 in both modes)
  const last = grids.slice(-3);
  const fine = last[last.length - 1];
  const spread = Math.max(0, ...last.slice(0, -1).map((g) => Math.abs(fine.value - g.value)));
  const r = last.length === 3 ? richardson([last[0].atoms, last[1].atoms, last[2].atoms], [last[0].value, last[1].value, last[2].value]) : null;
  // the coupling whose atoms' value the LP sits on, if any (comonotone or antitone)
  let t: number | null = null;
  for (const kind of ['comonotone', 'antitone'] as const) {
    const a = transport.atoms[kind];
    const c = transport.continuous[kind];
    if (a !== undefined && c !== undefined && Math.abs(fine.value - a) <= ON_BOUND * Math.max(Math.abs(a), Math.abs(c))) t = Math.max(t ?? 0, Math.abs(c - fine.value));
  }
  const richardsonError = r ? Math.abs(r.limit - fine.value) : 0;
  return { error: Math.max(SAFETY * spread, SAFETY * richardsonError, t ?? 0), spread, richardson: r && { ...r, error: richardsonError }, transport: t };
}
