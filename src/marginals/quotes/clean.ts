import { VmotError } from '../../core/errors.js';
import { checkCallPrices } from './arbitrage.js';
import type { ExpiryQuotes } from './chain.js';
import type { ParityFit } from './parity.js';
import { INF, type QpSolver, type Row } from './qp.js';

export type OptionType = 'call' | 'put';

/** What happened to one quote. `change` = cleaned - quote for moved quotes. */
export interface QuoteNote {
  option: OptionType;
  strike: number;
  quote: number;
  action: 'kept' | 'moved' | 'removed';
  reason: string;
  cleaned?: number;
  change?: number;
}

/** The out-of-the-money quotes after cleaning, as discounted call prices on increasing strikes. */
export interface CleanedQuotes {
  strikes: number[];
  /** Discounted call prices (puts converted by parity C = P + D (F - K)). */
  calls: number[];
  /** The option each point came from and its cleaned price in that option's own units. */
  option: OptionType[];
  prices: number[];
  /** Every quote of the expiry with its fate. */
  notes: QuoteNote[];
  /** How the quotes were projected onto no-arbitrage prices: "least squares", or the fallback and why. */
  projection: string;
}

/** Pricing tolerance of a quote: max(0.05, 2% of the price) (price units). */
export const quoteTolerance = (price: number): number => Math.max(0.05, 0.02 * price);

/** Smallest change reported as a move (price units). */
const MOVE_REPORT = 1e-4;

/**
 * Keeps the out-of-the-money quote at each strike (puts below the forward, calls at or above), drops zero,
 * crossed (outside the static bounds) and stale (not cheaper than the quote nearer the money) quotes, then
 * projects the rest onto no-arbitrage call prices (decreasing, convex, slope in [-D, 0], through (0, D F)) by
 * the tolerance-weighted least-squares QP, reporting every removal and move.
 */
export function cleanQuotes(q: ExpiryQuotes, fit: ParityFit, solveQp: QpSolver, field = 'quotes'): CleanedQuotes {
  const { forward: F, discount: D } = fit;
  const notes: QuoteNote[] = [];
  const candidates: { option: OptionType; strike: number; quote: number }[] = [];
  q.strikes.forEach((k, i) => {
    const otm: OptionType = k < F ? 'put' : 'call';
    for (const option of ['call', 'put'] as const) {
      const quote = (option === 'call' ? q.calls : q.puts)[i];
      if (quote === undefined) continue;
      if (option !== otm) notes.push({ option, strike: k, quote, action: 'removed', reason: `in the money (the ${otm} is used at this strike)` });
      else if (quote <= 0) notes.push({ option, strike: k, quote, action: 'removed', reason: 'zero price' });
      else if (quote >= D * (option === 'put' ? k : F)) notes.push({ option, strike: k, quote, action: 'removed', reason: `crossed: not below the discounted ${option === 'put' ? 'strike' : 'forward'}` });
      else candidates.push({ option, strike: k, quote });
    }
  });
  // stale: walking away from the money, out-of-the-money prices must strictly fall
  const kept: typeof candidates = [];
  for (const wing of [candidates.filter((c) => c.option === 'put').reverse(), candidates.filter((c) => c.option === 'call')]) {
    let last: (typeof candidates)[number] | undefined;
    for (const c of wing) {
      if (last && c.quote >= last.quote) {
        notes.push({ ...c, action: 'removed', reason: `stale: not below the ${c.option} at strike ${last.strike} (${last.quote}) nearer the money` });
        continue;
      }
      kept.push(c);
      last = c;
    }
  }
  kept.sort((a, b) => a.strike - b.strike);
  if (kept.length < 3) throw new VmotError(`only ${kept.length} usable out-of-the-money quotes after cleaning; need at least 3`, field);
  const strikes = kept.map((c) => c.strike);
  const toCall = (c: (typeof kept)[number], price: number) => (c.option === 'put' ? price + D * (F - c.strike) : price);
  const target = kept.map((c) => toCall(c, c.quote));
  const { calls: projected, method } = projectCalls(strikes, target, kept.map((c) => quoteTolerance(c.quote)), D, F, solveQp, field);
  const violations = checkCallPrices(strikes, target, D, F);
  const prices = kept.map((c, i) => projected[i] - (c.option === 'put' ? D * (F - c.strike) : 0));
  kept.forEach((c, i) => {
    const change = prices[i] - c.quote;
    if (Math.abs(change) < MOVE_REPORT) {
      notes.push({ ...c, action: 'kept', reason: 'used', cleaned: prices[i], change });
      return;
    }
    const near = violations.filter((v) => v.strikes.includes(c.strike)).map((v) => v.message);
    notes.push({ ...c, action: 'moved', reason: `projected onto no-arbitrage prices${near.length ? ` (${near.join('; ')})` : ''}`, cleaned: prices[i], change });
  });
  notes.sort((a, b) => a.strike - b.strike || a.option.localeCompare(b.option));
  return { strikes, calls: projected, option: kept.map((c) => c.option), prices, notes, projection: method };
}

/**
 * Tolerance-weighted L2 projection min sum ((x_i - c_i)/tol_i)^2 onto call prices that are convex, decreasing and
 * of slope >= -D on 0 = K_0 < K_1 < ... with x_0 = D F fixed (the no-arbitrage cone of Carr-Madan), solved by HiGHS;
 * the L1 projection min sum |x_i - c_i| / tol_i when the QP does not finish in QP_SECONDS.
 */
function projectCalls(K: number[], c: number[], tol: number[], D: number, F: number, solveQp: QpSolver, field: string): { calls: number[]; method: string } {
  const n = K.length;
  // slope row s_i = (x_{i+1} - x_i) / (K_{i+1} - K_i), i = 0..n-1 with x_0 = D F, K_0 = 0 (constant moved to the bound)
  const slopeRow = (i: number): { idx: number[]; val: number[]; off: number } => {
    const h = K[i] - (i === 0 ? 0 : K[i - 1]);
    if (i === 0) return { idx: [0], val: [1 / h], off: -(D * F) / h };
    return { idx: [i - 1, i], val: [-1 / h, 1 / h], off: 0 };
  };
  const rows: Row[] = [];
  const first = slopeRow(0);
  rows.push({ idx: first.idx, val: first.val, lo: -D - first.off, hi: INF });
  for (let i = 1; i < n; i++) {
    const a = slopeRow(i - 1);
    const b = slopeRow(i);
    rows.push({ idx: [...b.idx, ...a.idx], val: [...b.val, ...a.val.map((v) => -v)], lo: a.off - b.off, hi: INF });
  }
  const last = slopeRow(n - 1);
  rows.push({ idx: last.idx, val: last.val, lo: -INF, hi: -last.off });
  const { x } = solveQp({
    n,
    hessian: tol.map((t, i) => [i, i, 2 / (t * t)]),
    lin: c.map((ci, i) => (-2 * ci) / (tol[i] * tol[i])),
    lo: K.map(() => 0),
    hi: K.map(() => D * F),
    rows,
    timeLimit: QP_SECONDS,
  });
  if (x) return { calls: Array.from(x), method: 'least squares' };
  // HiGHS' active-set QP can stall on long chains (some 2000-strike files): the least-absolute-deviation projection
  // is an LP (columns x, e+, e-; x - e+ + e- = c), which the simplex solves in seconds
  const { x: l1, status } = solveQp({
    n: 3 * n,
    hessian: [],
    lin: [...K.map(() => 0), ...tol.map((t) => 1 / t), ...tol.map((t) => 1 / t)],
    lo: Array(3 * n).fill(0),
    hi: [...K.map(() => D * F), ...Array(2 * n).fill(INF)],
    rows: [...rows, ...c.map((ci, i) => ({ idx: [i, n + i, 2 * n + i], val: [1, -1, 1], lo: ci, hi: ci }))],
    timeLimit: 60,
  });
  if (!l1) throw new VmotError(`the projection onto no-arbitrage call prices failed (least squares: no solution in ${QP_SECONDS} s; least absolute deviations: HiGHS status "${status}")`, field);
  return { calls: Array.from(l1.subarray(0, n)), method: `least absolute deviations (the least-squares QP did not finish in ${QP_SECONDS} s)` };
}

/** Seconds for the least-squares projection before the LP fallback. */
const QP_SECONDS = 5;
