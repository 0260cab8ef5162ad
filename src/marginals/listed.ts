/**
 * Listed vanillas of a marginal built from option quotes: the strikes and the quoted (undiscounted) prices. A
 * marginal that knows its market carries them (Marginal.listed); a static hedge is then struck at the listed
 * strikes and also priced at the quotes.
 */
export interface ListedVanillas {
  strikes: number[];
  /** Quoted call / put price at a listed strike, undefined when not quoted. */
  call(strike: number): number | undefined;
  put(strike: number): number | undefined;
}

/**
 * Listed vanillas from cleaned quotes of one expiry (discounted prices, one option per strike, as the
 * quotes pipeline produces): undiscounted by `discount`; the other option at a strike by put-call parity
 * with the forward, C - P = F - K. A marginal in units x' = scale x + shift (scale > 0, e.g. returns)
 * gets strikes scale K + shift and prices scale C.
 */
export function listedFromQuotes(
  q: { strikes: number[]; option: ('call' | 'put')[]; prices: number[] },
  discount: number,
  forward: number,
  units: { scale: number; shift: number } = { scale: 1, shift: 0 },
): ListedVanillas {
  const { scale, shift } = units;
  const strikes = q.strikes.map((k) => scale * k + shift);
  const calls = new Map<number, number>();
  q.strikes.forEach((k, j) => calls.set(strikes[j], scale * (q.prices[j] / discount + (q.option[j] === 'put' ? forward - k : 0))));
  const fwd = scale * forward + shift;
  return {
    strikes,
    call: (k) => calls.get(k),
    put: (k) => {
      const c = calls.get(k);
      return c === undefined ? undefined : c - (fwd - k);
    },
  };
}

