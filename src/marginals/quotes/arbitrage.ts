/** Static-arbitrage checks of call prices and of SVI smiles (butterfly arbitrage = negative density). */

export interface PriceViolation {
  kind: 'increasing' | 'slope' | 'butterfly' | 'bounds';
  /** The strikes involved. */
  strikes: number[];
  /** Size of the violation in price units (or slope units for 'slope'). */
  amount: number;
  message: string;
}

const f4 = (x: number) => Number(x.toPrecision(4)).toString();

/**
 * Discrete no-arbitrage conditions on discounted call prices at increasing strikes (Carr-Madan / Davis-Hobson):
 * non-increasing, slope >= -D, convex (non-negative butterflies), and D (F - K)^+ <= C <= D F when F is known.
 */
export function checkCallPrices(strikes: number[], calls: number[], discount: number, forward?: number): PriceViolation[] {
  const v: PriceViolation[] = [];
  const n = strikes.length;
  const slope = (i: number) => (calls[i + 1] - calls[i]) / (strikes[i + 1] - strikes[i]);
  for (let i = 0; i + 1 < n; i++) {
    const s = slope(i);
    const pair = [strikes[i], strikes[i + 1]];
    if (s > 0) v.push({ kind: 'increasing', strikes: pair, amount: calls[i + 1] - calls[i], message: `call price rises by ${f4(calls[i + 1] - calls[i])} from strike ${pair[0]} to ${pair[1]}` });
    if (s < -discount) v.push({ kind: 'slope', strikes: pair, amount: -discount - s, message: `call price falls ${f4(-s)} per unit strike from ${pair[0]} to ${pair[1]}, more than the discount factor ${f4(discount)}` });
    if (i > 0) {
      // butterfly K_{i-1}, K_i, K_{i+1} with unit density weight: price = slope difference
      const b = s - slope(i - 1);
      if (b < 0) v.push({ kind: 'butterfly', strikes: [strikes[i - 1], strikes[i], strikes[i + 1]], amount: b, message: `butterfly arbitrage (negative density) at strike ${strikes[i]}: slope difference ${f4(b)}` });
    }
  }
  if (forward !== undefined) {
    for (let i = 0; i < n; i++) {
      const lo = discount * Math.max(0, forward - strikes[i]);
      const hi = discount * forward;
      if (calls[i] < lo || calls[i] > hi) v.push({ kind: 'bounds', strikes: [strikes[i]], amount: calls[i] < lo ? calls[i] - lo : calls[i] - hi, message: `call price ${f4(calls[i])} at strike ${strikes[i]} outside [${f4(lo)}, ${f4(hi)}]` });
    }
  }
  return v;
}

/**
 * Monotonicity of the raw quotes of one expiry, before anything is fitted to them: call prices must not rise with the
 * strike and put prices must not fall (a call or put spread with a negative price is an arbitrage). A move within
 * `tolerance(price)` (a tick, stale quotes) is not flagged: the cleaning removes those. Returns the violations, largest first.
 */
export function quoteMonotonicity(strikes: number[], calls: (number | undefined)[], puts: (number | undefined)[], tolerance: (price: number) => number): PriceViolation[] {
  const v: PriceViolation[] = [];
  for (const [option, prices, sign] of [['call', calls, 1], ['put', puts, -1]] as const) {
    let prev: number | undefined;
    strikes.forEach((k, i) => {
      const p = prices[i];
      if (p === undefined || p <= 0) return;
      if (prev !== undefined) {
        const rise = sign * (p - prices[prev]!);
        if (rise > tolerance(Math.max(p, prices[prev]!)))
          v.push({ kind: 'increasing', strikes: [strikes[prev], k], amount: rise, message: `${option} ${strikes[prev]} at ${f4(prices[prev]!)} and ${k} at ${f4(p)} (${option === 'call' ? 'rises' : 'falls'} by ${f4(rise)})` });
      }
      prev = i;
    });
  }
  return v.sort((a, b) => b.amount - a.amount);
}

/** Raw SVI parameters of total implied variance w(k) = a + b (rho (k - m) + sqrt((k - m)^2 + sigma^2)) (Gatheral 2004). */
export interface SviParams {
  a: number;
  b: number;
  m: number;
  rho: number;
  sigma: number;
}

/** w(k), w'(k), w''(k) of raw SVI. */
export function sviTotalVariance(p: SviParams, k: number): [number, number, number] {
  const x = k - p.m;
  const r = Math.sqrt(x * x + p.sigma * p.sigma);
  return [p.a + p.b * (p.rho * x + r), p.b * (p.rho + x / r), (p.b * p.sigma * p.sigma) / (r * r * r)];
}

/** Gatheral-Jacquier (2014, eq. 2.1) density factor g(k); the density is >= 0 iff g(k) >= 0 (and w > 0). */
export function sviG(p: SviParams, k: number): number {
  const [w, w1, w2] = sviTotalVariance(p, k);
  return (1 - (k * w1) / (2 * w)) ** 2 - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
}

export interface SviButterflyReport {
  ok: boolean;
  /** Intervals of log-moneyness k where g(k) < 0 or w(k) <= 0 (butterfly arbitrage). */
  intervals: [number, number][];
  /** Minimum of g on the scanned range and where. */
  minG: number;
  argMinG: number;
  /** Roger Lee's moment bound b (1 + |rho|) <= 2 on the wings. */
  wingsOk: boolean;
}

/** Scans g(k) (Gatheral-Jacquier butterfly condition) on [kMin, kMax], refining sign changes by bisection. */
export function checkSviButterfly(p: SviParams, kMin = -3, kMax = 3, steps = 6000): SviButterflyReport {
  const bad = (k: number) => sviTotalVariance(p, k)[0] <= 0 || sviG(p, k) < 0;
  const edge = (good: number, wrong: number) => {
    for (let it = 0; it < 60; it++) {
      const mid = 0.5 * (good + wrong);
      if (bad(mid)) wrong = mid;
      else good = mid;
    }
    return 0.5 * (good + wrong);
  };
  const intervals: [number, number][] = [];
  let minG = Infinity;
  let argMinG = NaN;
  let start: number | undefined = bad(kMin) ? kMin : undefined;
  let prev = kMin;
  for (let i = 1; i <= steps; i++) {
    const k = kMin + ((kMax - kMin) * i) / steps;
    const g = sviG(p, k);
    if (g < minG) {
      minG = g;
      argMinG = k;
    }
    const b = bad(k);
    if (b && start === undefined) start = edge(prev, k);
    if (!b && start !== undefined) {
      intervals.push([start, edge(k, prev)]);
      start = undefined;
    }
    prev = k;
  }
  if (start !== undefined) intervals.push([start, kMax]);
  return { ok: intervals.length === 0, intervals, minG, argMinG, wingsOk: p.b * (1 + Math.abs(p.rho)) <= 2 };
}
