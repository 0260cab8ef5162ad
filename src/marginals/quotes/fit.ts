import type { ExpiryQuotes } from './chain.js';
import type { OptionType, QuoteNote } from './clean.js';

/** Model price vs cleaned quote at one strike. */
export interface Repricing {
  option: OptionType;
  strike: number;
  quote: number;
  model: number;
  error: number;
  tolerance: number;
}

/**
 * How a marginal built from option quotes fits them, in the quotes' own units (strike, discounted option price): every
 * quote with its fate, the fitted out-of-the-money price curve, the repricing errors. Plain data, for reports.
 */
export interface QuotesFit {
  expiry: ExpiryQuotes['expiry'];
  forward: number;
  discount: number;
  discountEstimated: boolean;
  /** How the quotes were projected onto no-arbitrage prices. */
  projection: string;
  notes: QuoteNote[];
  repricing: Repricing[];
  /** Arbitrage found in the raw quotes (beyond their tolerance), as messages. */
  arbitrage: string[];
  /** The fitted law's out-of-the-money prices D E[(K - X)^+] below the forward and D E[(X - K)^+] above it. */
  curve: { strike: number; price: number }[];
  /** Mean shift applied after the fit (calendar repair), in price units; 0 when none. */
  shift: number;
}
