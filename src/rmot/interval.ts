import { VmotError } from '../core/errors.js';
import { iProjection, klDivergence, type Constraints, type IProjection } from './iprojection.js';

/** One end of the relative-entropy ball interval. */
export interface BallEnd {
  eta: number;
  /** The tilt: the end is the I-projection of pi* e^(beta c) onto the constraints (beta > 0 upper, < 0 lower). */
  beta: number;
  value: number;
  /** KL(pi_beta | pi*), equal to eta unless the ball reaches the edge of the feasible set first. */
  kl: number;
  /** True when no tilt reaches KL = eta: the end is the best price of the feasible set on this grid (the LP bound). */
  edge: boolean;
  /** Newton steps over all tilts tried. */
  iterations: number;
}

const expect = (pi: Float64Array, c: Float64Array) => pi.reduce((s, p, j) => s + p * c[j], 0);

/** Largest |beta| (max c - min c) tried: beyond it the tilted law sits on the LP's optimal face to about 1e-4 of the range. */
const MAX_EXPONENT = 1e5;

/** Relative tolerance on KL(pi_beta | pi*) = eta. */
const KL_TOL = 1e-6;

/** Constraint residual of the tilted projections: strong tilts leave H ill-conditioned, and KL to KL_TOL needs no more. */
const TILT_TOL = 1e-10;

/**
 * U(eta) (side "upper") or L(eta) ("lower") of rmot design section 3: max / min E_pi[c] over feasible pi with
 * KL(pi | pi*) <= eta, attained by the I-projection pi_beta of p0 e^(beta c) (the same as of pi* e^(beta c), since
 * pi* = p0 e^(A^T y*)). beta solves sqrt(KL(pi_beta | pi*)) = sqrt(eta), nearly linear in beta (Lam 2016: KL ~ beta^2
 * V / 2), by a safeguarded secant: outward steps of at most 2x until bracketed, then secant with bisection (Illinois
 * rule) inside the bracket. Each tilt is warm-started from multipliers extrapolated through two solved tilts. When KL
 * saturates below eta (the law reaches the LP's optimal face), the end is marked `edge`. `variance` is V of
 * residualVariance, which gives the first beta = sqrt(2 eta / V).
 */
export function ballEnd(A: Constraints, logP0: Float64Array, calibrated: IProjection, c: Float64Array, variance: number, eta: number, side: 'upper' | 'lower', groups: number[][] = []): BallEnd {
  if (!(eta > 0)) throw new VmotError(`must be positive, got ${eta}`, 'rmot.eta');
  const sign = side === 'upper' ? 1 : -1;
  const mean = expect(calibrated.pi, c);
  const range = c.reduce((m, v) => Math.max(m, v), -Infinity) - c.reduce((m, v) => Math.min(m, v), Infinity);
  // the payoff is in the span of the constraints: every feasible law gives it the same price
  if (!(variance > 1e-14 * (mean * mean + range * range)) || !(range > 0)) return { eta, beta: 0, value: mean, kl: 0, edge: true, iterations: 0 };
  let iterations = 0;
  type Tilted = { beta: number; pi: Float64Array; y: Float64Array; kl: number; g: number };
  /**
   * The I-projection at beta from the solved tilts a and b (b the nearer): when Newton fails from there (the tilt moved
   * too far for its warm start), continuation through the midpoint of b and beta.
   */
  const tilt = (beta: number, a: Tilted, b: Tilted, depth = 0): Tilted => {
    const f = (beta - a.beta) / (b.beta - a.beta);
    const warm = Float64Array.from(a.y, (ya, r) => ya + f * (b.y[r] - ya));
    try {
      const r = iProjection(A, Float64Array.from(logP0, (l, j) => l + beta * c[j]), { y: [warm, a.y, b.y], groups, tol: TILT_TOL });
      iterations += r.iterations;
      const kl = Math.max(0, klDivergence(r.pi, r.logPi, calibrated.logPi));
      return { beta, pi: r.pi, y: r.y, kl, g: Math.sqrt(kl) - Math.sqrt(eta) };
    } catch (e) {
      if (!(e instanceof VmotError) || depth >= 8) throw e;
      const mid = tilt((b.beta + beta) / 2, a, b, depth + 1);
      return tilt(beta, b, mid, depth + 1);
    }
  };
  const done = (t: Tilted, edge: boolean): BallEnd => ({ eta, beta: t.beta, value: expect(t.pi, c), kl: t.kl, edge, iterations });
  let lo: Tilted = { beta: 0, pi: calibrated.pi, y: calibrated.y, kl: 0, g: -Math.sqrt(eta) };
  let prev: Tilted = { ...lo, beta: sign };
  let cur = tilt(sign * Math.sqrt((2 * eta) / variance), lo, prev);
  // outward until KL >= eta
  while (cur.g < 0) {
    if (Math.abs(cur.kl - eta) <= KL_TOL * eta) return done(cur, false);
    if (Math.abs(cur.beta) * range > MAX_EXPONENT) return done(cur, true);
    const secant = cur.beta - (cur.g * (cur.beta - lo.beta)) / (cur.g - lo.g);
    const next = sign * Math.min(2 * Math.abs(cur.beta), Math.max(1.1 * Math.abs(cur.beta), Math.abs(Number.isFinite(secant) ? secant : 2 * cur.beta)));
    [prev, lo] = [lo, cur];
    cur = tilt(next, prev, lo);
  }
  let hi = cur;
  // +1: lo was replaced last, -1: hi was
  let last = 0;
  for (let k = 0; k < 100 && Math.abs(hi.kl - eta) > KL_TOL * eta; k++) {
    let mid = lo.beta - (lo.g * (hi.beta - lo.beta)) / (hi.g - lo.g);
    if (!((mid - lo.beta) * (hi.beta - mid) > 0)) mid = (lo.beta + hi.beta) / 2;
    const m = tilt(mid, lo, hi);
    if (Math.abs(m.kl - eta) <= KL_TOL * eta) return done(m, false);
    // Illinois rule: when the same end is replaced twice, halve the other's g so that the secant stops creeping
    if (m.g < 0) {
      if (last === 1) hi.g /= 2;
      [lo, last] = [m, 1];
    } else {
      if (last === -1) lo.g /= 2;
      [hi, last] = [m, -1];
    }
  }
  return done(hi, false);
}
