import { Rng } from '../core/random.js';
import type { Marginal } from '../marginals/types.js';
import type { BoundSide, FirstDateMap, Formulation, FormulationChoice } from '../problem/formulation.js';
import { flipModularity, type Modularity, type Payoff, type Structure } from '../problem/payoffs/types.js';

/** The formulation chosen for one bound, whether it is exact for the VMOT problem, and why. */
export interface Choice extends FormulationChoice {
  /** True when the solved problem is the VMOT problem (2.3) itself. */
  exact: boolean;
  reason: string;
  warning?: string;
}

/**
 * Decides full vs reduced for one bound (Theorem 3.5 / Corollary 3.6): for d = 2, T = 2 and
 * c = c1(x) + c2(y), the maximiser has a monotone first-date coupling when c1, c2 are both
 * supermodular and an antitone one when both are submodular. The lower bound maximises -c.
 */
export function chooseFormulation(requested: Formulation, side: BoundSide, payoff: Payoff, marginals: Marginal[][], seed: number): Choice {
  const T = marginals.length;
  const d = marginals[0].length;
  let exactMap: FirstDateMap | undefined;
  let why: string;
  // d = 2: the signed cost's modularity per date (-c for the lower bound), from the payoff type or checked numerically (T = 2)
  const st = d === 2 ? (payoff.structure ?? (T === 2 ? numericStructure(payoff, marginals, new Rng(`${seed}/structure`)) : undefined)) : undefined;
  const mods = (st?.modularity ?? []).map((m) => (side === 'lower' ? flipModularity(m) : m));
  const allSuper = mods.every((m) => m === 'super' || m === 'modular');
  const allSub = mods.every((m) => m === 'sub' || m === 'modular');
  if (d === 1) {
    exactMap = 'monotone';
    why = 'one asset: the reduced form is the full problem';
  } else if (d !== 2 || T !== 2) {
    why = `the reduced form is exact only for d = 2 and two dates (here d = ${d}, T = ${T})`;
  } else if (!st!.separable) why = 'the payoff couples the two dates (not c1(x) + c2(y))';
  else if (allSuper) {
    exactMap = 'monotone';
    why = `c1 and c2 are supermodular${side === 'lower' ? ' in -c' : ''} (Theorem 3.5)`;
  } else if (allSub) {
    exactMap = 'antitone';
    why = `c1 and c2 are submodular${side === 'lower' ? ' in -c' : ''} (Corollary 3.6)`;
  } else why = 'c1 and c2 are not both supermodular or both submodular';
  // the first-date map theta's structured rows follow (full form): antitone when the signed cost is submodular at every date
  const thetaMap: FirstDateMap | undefined = d === 2 ? (allSub && !allSuper ? 'antitone' : 'monotone') : undefined;
  if (requested === 'full') return { kind: 'full', thetaMap, exact: true, reason: 'full formulation requested' };
  if (exactMap) return { kind: 'reduced', map: exactMap, exact: true, reason: why };
  if (requested === 'auto') return { kind: 'full', thetaMap, exact: true, reason: `full: ${why}` };
  return {
    kind: 'reduced',
    map: 'monotone',
    exact: false,
    reason: why,
    warning: `${side} bound: reduced form forced although ${why}; it solves the hybrid problem (4.1) with the comonotone first-date coupling, not the VMOT problem (2.3)`,
  };
}

/** Separability and modularity of a d = 2, T = 2 payoff checked on random rectangles drawn from the marginals. */
export function numericStructure(payoff: Payoff, marginals: Marginal[][], rng: Rng, trials = 2000): Structure {
  const c = payoff.value;
  const draw = (t: number, i: number) => marginals[t][i].quantile(rng.uniform());
  const path = (x: number[], y: number[]) => Float64Array.from([...x, ...y]);
  let sizeSum = 0;
  let sepGap = 0;
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let n = 0; n < trials; n++) {
    const x = [draw(0, 0), draw(0, 1)];
    const x2 = [draw(0, 0), draw(0, 1)];
    const y = [draw(1, 0), draw(1, 1)];
    const y2 = [draw(1, 0), draw(1, 1)];
    const base = c(path(x, y));
    sizeSum += Math.abs(base);
    // mixed difference across dates: zero for c1(x) + c2(y)
    sepGap = Math.max(sepGap, Math.abs(base - c(path(x2, y)) - c(path(x, y2)) + c(path(x2, y2))));
    // mixed difference within each date on the rectangle [a, a'] x [b, b']
    for (const t of [0, 1]) {
      const [p, q] = t === 0 ? [x, x2] : [y, y2];
      const a = [Math.min(p[0], q[0]), Math.max(p[0], q[0])];
      const b = [Math.min(p[1], q[1]), Math.max(p[1], q[1])];
      const at = (u: number, v: number) => (t === 0 ? c(path([u, v], y)) : c(path(x, [u, v])));
      const mixed = at(a[1], b[1]) + at(a[0], b[0]) - at(a[1], b[0]) - at(a[0], b[1]);
      lo[t] = Math.min(lo[t], mixed);
      hi[t] = Math.max(hi[t], mixed);
    }
  }
  const tol = 1e-9 * (sizeSum / trials + 1);
  const mod = (t: number): Modularity =>
    lo[t] >= -tol && hi[t] <= tol ? 'modular' : lo[t] >= -tol ? 'super' : hi[t] <= tol ? 'sub' : 'unknown';
  return { separable: sepGap <= tol * 1e3, modularity: [mod(0), mod(1)] };
}
