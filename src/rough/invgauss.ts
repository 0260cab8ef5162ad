import { stdNormalCdf } from '../math/normal.js';

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Mills ratio from its definition (erfc) below 4 and Laplace's continued fraction above: the reference of the fit. */
function millsReference(x: number): number {
  if (x < 4) return SQRT2PI * stdNormalCdf(-x) * Math.exp(0.5 * x * x);
  let d = x;
  for (let k = 60; k >= 1; k--) d = x + k / d;
  return 1 / d;
}

// (1 + x) R(x) on [0, inf) is smooth in y = (x - 4) / (x + 4) in [-1, 1) and tends to 1 at y = 1: a Chebyshev series
// of 22 terms, fitted here at load, reproduces R to ~1e-14 relative (test/unit/rough-mc.test.ts)
const CHEB_K = 4;
const CHEB = (() => {
  const n = 22;
  const nodes = 128;
  const c = new Float64Array(n);
  for (let j = 0; j < nodes; j++) {
    const th = (Math.PI * (j + 0.5)) / nodes;
    const y = Math.cos(th);
    const x = (CHEB_K * (1 + y)) / (1 - y);
    const f = (1 + x) * millsReference(x);
    for (let k = 0; k < n; k++) c[k] += ((2 / nodes) * f * Math.cos(k * th)) / (k === 0 ? 2 : 1);
  }
  return c;
})();

/** Mills ratio R(x) = Phi(-x) / phi(x) (Phi, phi: standard normal distribution function and density). */
export function millsRatio(x: number): number {
  const ax = Math.abs(x);
  const y = (ax - CHEB_K) / (ax + CHEB_K);
  let b1 = 0;
  let b2 = 0;
  for (let k = CHEB.length - 1; k >= 1; k--) {
    const t = 2 * y * b1 - b2 + CHEB[k];
    b2 = b1;
    b1 = t;
  }
  const r = (y * b1 - b2 + CHEB[0]) / (1 + ax);
  return x >= 0 ? r : SQRT2PI * Math.exp(0.5 * x * x) - r;
}

/**
 * Inverse Gaussian by inversion, in the form the iVi step uses. For dI ~ IG(mean a, shape a^2/beta^2), the statistic
 * zeta = (dI - a) / (beta sqrt(dI)) has zeta^2 ~ chi^2_1 (Michael-Schucany-Haas 1976 [MSH76]) and the distribution function
 *   P(zeta <= t) = Phi(t) + phi(t) R(w),  w = sqrt(t^2 + c),  c = 4 a / beta^2,
 * which is the IG distribution function written with the Mills ratio R, so that its e^{2a/beta^2} factor cancels;
 * the density is phi(t)(1 - t/w). Returns zeta = F^{-1}(Phi(xi)), the draw comonotone with the standard normal xi
 * (igFromZeta then gives dI and dZ). Halley's method on the log of the lower tail (xi <= 0) or of the upper tail
 * (xi > 0), where the phi factors cancel, safeguarded by bisection.
 */
export function igZeta(xi: number, c: number, guess?: number): number {
  const upper = xi > 0;
  // g(t) = log P(zeta <= t) - log Phi(xi) (lower, increasing) or log P(zeta > t) - log Phi(-xi) (upper, decreasing),
  // = log(tail(t) / R(-+xi)) + (xi^2 - t^2)/2 with tail = R(-t) + R(w) or R(t) - R(w) (the phi factors cancel); the
  // root lies below xi (zeta is stochastically smaller than xi), and above Phi^{-1}(Phi(xi)/2) > min(xi, 0) - 0.7
  // since F(t) <= 2 Phi(t) for t <= 0 (w >= |t|)
  const rxi = millsRatio(upper ? xi : -xi);
  const sign = upper ? -1 : 1;
  let lo = Math.min(xi, 0) - 0.7;
  let hi = xi;
  // first guess: given, or from Phi(t) ~ Phi(xi) + phi(xi)(t - xi), t = xi - R(w(xi))
  let t = guess !== undefined && guess > lo && guess < hi ? guess : Math.max(lo, xi - millsRatio(Math.sqrt(xi * xi + c)));
  for (let it = 0; it < 100; it++) {
    const w = Math.sqrt(t * t + c);
    const rw = millsRatio(w);
    const tail = upper ? millsRatio(t) - rw : millsRatio(-t) + rw;
    // (a tail rounded to <= 0 is far below the target: g = -inf, and the bisection below takes over)
    const g = tail > 0 ? Math.log(tail / rxi) + 0.5 * (xi - t) * (xi + t) : -Infinity;
    if (g === 0) return t;
    if (g * sign > 0) hi = t;
    else lo = t;
    // g' = sign D / tail with D = 1 - t/w (the density over phi, without cancellation), g'' from D' = -c/w^3
    const D = t > 0 ? c / (w * (w + t)) : (w - t) / w;
    const q = D / tail;
    const g1 = sign * q;
    const g2 = sign * (-c / (w * w * w * tail) - t * q) - q * q;
    const step = (2 * g * g1) / (2 * g1 * g1 - g * g2);
    // Halley converges cubically: after a step below 1e-4 the error is ~1e-12 (unless the slope vanishes: g is not
    // small then, and the bisection takes over)
    if (Math.abs(step) < 1e-4 && Math.abs(g) <= 2e-4 * Math.abs(g1) + 1e-14) return t - step;
    t = Math.abs(step) < 1e-4 ? NaN : t - step;
    if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  }
  return t;
}

/** dI and dZ of the iVi step from zeta (igZeta): sqrt(dI) is the positive root of s^2 - beta zeta s - a = 0, dZ = zeta sqrt(dI). */
export function igFromZeta(zeta: number, a: number, beta: number): { dI: number; dZ: number } {
  const S = Math.sqrt(beta * beta * zeta * zeta + 4 * a);
  const s = zeta >= 0 ? 0.5 * (beta * zeta + S) : (2 * a) / (S - beta * zeta);
  return { dI: s * s, dZ: zeta * s };
}

/** Range and steps of the igZeta table: xi in [-XI_MAX, XI_MAX], p = 1/sqrt(c) = beta / (2 sqrt(a)) in [0, P_MAX]. */
const XI_MAX = 8;
const XI_STEP = 1 / 16;
const P_MAX = 4;
const P_STEP = 1 / 16;
let table: { zeta: Float64Array; slope: Float64Array; nx: number; np: number } | undefined;

function zetaTable(): NonNullable<typeof table> {
  if (table) return table;
  const nx = Math.round((2 * XI_MAX) / XI_STEP) + 1;
  const np = Math.round(P_MAX / P_STEP) + 1;
  const zeta = new Float64Array(nx * np);
  const slope = new Float64Array(nx * np);
  for (let m = 0; m < np; m++) {
    const p = m * P_STEP;
    const c = p === 0 ? Infinity : 1 / (p * p);
    for (let k = 0; k < nx; k++) {
      const xi = -XI_MAX + k * XI_STEP;
      if (p === 0) {
        // c = inf: zeta = xi (dI is the constant a)
        zeta[m * nx + k] = xi;
        slope[m * nx + k] = 1;
        continue;
      }
      const z = igZeta(xi, c);
      const w = Math.sqrt(z * z + c);
      const D = z > 0 ? c / (w * (w + z)) : (w - z) / w;
      zeta[m * nx + k] = z;
      // d zeta / d xi = phi(xi) / (phi(zeta) (1 - zeta/w))
      slope[m * nx + k] = Math.exp(0.5 * (z * z - xi * xi)) / D;
    }
  }
  table = { zeta, slope, nx, np };
  return table;
}

/**
 * igZeta(xi, 4a/beta^2), started from a table built at first use (cubic Hermite in xi with the exact slopes, cubic
 * Lagrange in p = beta / (2 sqrt(a)); good to ~1e-3 at worst, typically 1e-5), so that one Halley step usually
 * suffices; outside the table (|xi| > 8 or p > 4: a step whose variance is tiny next to its vol-of-vol) from igZeta's
 * own guess.
 */
export function igZetaFast(xi: number, a: number, beta: number): number {
  const c = (4 * a) / (beta * beta);
  const p = 1 / Math.sqrt(c);
  if (!(p < P_MAX && Math.abs(xi) < XI_MAX)) return igZeta(xi, c);
  const { zeta, slope, nx, np } = zetaTable();
  const u = p / P_STEP;
  const j = Math.min(Math.max(Math.floor(u), 1), np - 3);
  // Lagrange weights on the nodes j-1, j, j+1, j+2
  const r = u - j;
  const w0 = (-r * (r - 1) * (r - 2)) / 6;
  const w1 = ((r + 1) * (r - 1) * (r - 2)) / 2;
  const w2 = (-(r + 1) * r * (r - 2)) / 2;
  const w3 = ((r + 1) * r * (r - 1)) / 6;
  const v = (xi + XI_MAX) / XI_STEP;
  const k = Math.min(Math.floor(v), nx - 2);
  const s = v - k;
  const s2 = s * s;
  const h00 = (1 + 2 * s) * (1 - s) * (1 - s);
  const h10 = s * (1 - s) * (1 - s) * XI_STEP;
  const h01 = s2 * (3 - 2 * s);
  const h11 = s2 * (s - 1) * XI_STEP;
  let out = 0;
  for (let m = 0; m < 4; m++) {
    const o = (j - 1 + m) * nx + k;
    const val = h00 * zeta[o] + h10 * slope[o] + h01 * zeta[o + 1] + h11 * slope[o + 1];
    out += (m === 0 ? w0 : m === 1 ? w1 : m === 2 ? w2 : w3) * val;
  }
  return igZeta(xi, c, out);
}
