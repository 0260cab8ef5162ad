import type { Marginal } from '../types.js';
import { readPriceTable, selectExpiry, type ExpiryQuotes, type PriceTable } from './chain.js';
import { cleanQuotes, quoteTolerance, type CleanedQuotes } from './clean.js';
import { fitDensity, gridDensityMarginal, type GridDensity } from './density.js';
import { VmotError } from '../../core/errors.js';
import { quoteMonotonicity, type PriceViolation } from './arbitrage.js';
import { parityForward, type ParityFit } from './parity.js';
import type { QuotesFit, Repricing } from './fit.js';
import { qpSolver } from './qp.js';

export type { Repricing };

export interface QuotesOptions {
  /** Known discount factor of the expiry; estimated from parity when absent. */
  discount?: number;
  /** Grid nodes and roughness weight of the density fit. */
  nodes?: number;
  smoothing?: number;
}

/** The risk-neutral law of one expiry (price units) with everything the pipeline found on the way. */
export interface ExpiryLaw {
  expiry: ExpiryQuotes['expiry'];
  /** Arbitrage in the raw quotes beyond a quote's tolerance (none at the parity strikes: that is refused). */
  arbitrage: PriceViolation[];
  parity: ParityFit;
  cleaned: CleanedQuotes;
  density: GridDensity;
  marginal: Marginal;
  repricing: Repricing[];
}

/** Quotes -> parity forward/discount -> cleaned OTM quotes -> smooth Breeden-Litzenberger density -> marginal. */
export async function expiryLaw(q: ExpiryQuotes, opts: QuotesOptions = {}, field = 'quotes'): Promise<ExpiryLaw> {
  const solveQp = await qpSolver();
  // arbitrage in the raw quotes (beyond a quote's tolerance) is found before put-call parity is fitted to them: at the
  // strikes the parity fit reads it would bias forward and discount, so it is refused there and reported elsewhere
  const arbitrage = quoteMonotonicity(q.strikes, q.calls, q.puts, quoteTolerance);
  const refuse = (found: PriceViolation[], where: string) =>
    new VmotError(
      `arbitrage in the quotes of "${q.expiry.calls}" / "${q.expiry.puts}"${where} (call prices must not rise with the strike, put prices must not fall): ${found
        .slice(0, 3)
        .map((a) => a.message)
        .join('; ')}${found.length > 3 ? `; and ${found.length - 3} more` : ''}; remove these quotes or give the discount factor`,
      field,
    );
  let parity: ParityFit;
  try {
    parity = parityForward(q, { discount: opts.discount }, field);
  } catch (e) {
    // a parity fit that fails on quotes with arbitrage fails because of it
    throw e instanceof VmotError && arbitrage.length > 0 ? refuse(arbitrage, '') : e;
  }
  const parityStrikes = new Set(parity.points.map((p) => p.strike));
  const atParity = arbitrage.filter((a) => a.strikes.some((k) => parityStrikes.has(k)));
  if (atParity.length > 0) throw refuse(atParity, ' at strikes put-call parity uses');
  const cleaned = cleanQuotes(q, parity, solveQp, field);
  const density = fitDensity(
    {
      strikes: cleaned.strikes,
      option: cleaned.option,
      prices: cleaned.prices,
      tolerance: cleaned.prices.map(quoteTolerance),
      discount: parity.discount,
      forward: parity.forward,
      nodes: opts.nodes,
      smoothing: opts.smoothing,
    },
    solveQp,
    field,
  );
  const marginal = gridDensityMarginal(density, `quotes(${q.expiry.calls}, F=${parity.forward.toFixed(3)})`);
  const D = parity.discount;
  const repricing = cleaned.strikes.map((k, i) => {
    const option = cleaned.option[i];
    const call = marginal.call(k);
    const model = D * (option === 'call' ? call : call - (marginal.mean - k));
    const quote = cleaned.prices[i];
    return { option, strike: k, quote, model, error: model - quote, tolerance: quoteTolerance(quote) };
  });
  return { expiry: q.expiry, arbitrage, parity, cleaned, density, marginal, repricing };
}

/** Reads the two files (CSV or JSON) and builds the law of the expiry `column`. */
export function expiryLawFromFiles(calls: string | PriceTable, puts: string | PriceTable, column: string, opts: QuotesOptions = {}, field = 'quotes'): Promise<ExpiryLaw> {
  const c = typeof calls === 'string' ? readPriceTable(calls) : calls;
  const p = typeof puts === 'string' ? readPriceTable(puts) : puts;
  return expiryLaw(selectExpiry(c, p, column, `${field}.column`), opts, field);
}

/** The fit report of one expiry's law (QuotesFit), with the fitted prices on `points` strikes spanning the quotes. */
export function quotesFit(law: ExpiryLaw, shift: number, points = 161): QuotesFit {
  const { parity, marginal } = law;
  const strikes = law.cleaned.notes.map((n) => n.strike);
  const lo = Math.min(...strikes);
  const hi = Math.max(...strikes);
  const curve = Array.from({ length: points }, (_, j) => {
    const k = lo + ((hi - lo) * j) / (points - 1);
    const call = marginal.call(k);
    return { strike: k, price: parity.discount * (k < parity.forward ? call - (marginal.mean - k) : call) };
  });
  return {
    expiry: law.expiry,
    forward: parity.forward,
    discount: parity.discount,
    discountEstimated: parity.discountEstimated,
    projection: law.cleaned.projection,
    notes: law.cleaned.notes,
    repricing: law.repricing,
    arbitrage: law.arbitrage.map((a) => a.message),
    curve,
    shift,
  };
}
