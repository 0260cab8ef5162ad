import { VmotError } from '../../core/errors.js';
import { checkConvexOrder, type ConvexOrderReport } from '../convexOrder.js';
import type { Marginal } from '../types.js';
import { affineMarginal } from './transform.js';

export interface CalendarResult {
  /** The laws in expiry order, shifted to the last expiry's mean when the repair was asked for. */
  laws: Marginal[];
  /** Shift added to each law (0 without repair). */
  shifts: number[];
  /** Convex-order report of each consecutive pair (after the repair). */
  pairs: { from: string; to: string; report: ConvexOrderReport }[];
}

/**
 * Calendar (no-arbitrage across expiries) check of one asset: consecutive laws must increase in convex order
 * (Strassen). Means that differ are refused with the expiries named unless `alignMean` is set, which shifts every
 * law to the mean of the last expiry (explicit repair) before checking the call prices.
 */
export function checkCalendar(
  laws: { expiry: string; marginal: Marginal }[],
  opts: { alignMean?: boolean; meanTol?: number; callTol?: number } = {},
  field = 'column',
): CalendarResult {
  const target = laws[laws.length - 1].marginal.mean;
  const shifts = laws.map((l) => (opts.alignMean ? target - l.marginal.mean : 0));
  const shifted = laws.map((l, i) => (shifts[i] === 0 ? l.marginal : affineMarginal(l.marginal, 1, shifts[i], `${l.marginal.label} shifted by ${shifts[i].toPrecision(4)}`)));
  const pairs: CalendarResult['pairs'] = [];
  for (let i = 0; i + 1 < laws.length; i++) {
    const report = checkConvexOrder(shifted[i], shifted[i + 1], { meanTol: opts.meanTol, callTol: opts.callTol });
    const from = laws[i].expiry;
    const to = laws[i + 1].expiry;
    if (!report.ok) {
      const hint = !opts.alignMean && Math.abs(report.meanGap) > 0 ? '; turn on the mean-shift repair (--align-mean, or "shiftMeanTo" in a problem file) to shift both to a common mean' : '';
      throw new VmotError(`calendar arbitrage between "${from}" and "${to}": ${report.reason}${hint}`, field);
    }
    pairs.push({ from, to, report });
  }
  return { laws: shifted, shifts, pairs };
}
