import type { HedgeDoc } from '../hedge/document.js';
import type { QuotesFit } from '../marginals/quotes/fit.js';
import type { SolveReport } from '../solvers/result.js';
import type { DiscreteCoupling } from './figures/coupling.js';

/** A table of the report: the same rows go to the HTML page and to a CSV file with plain headers. */
export interface Table {
  title: string;
  headers: string[];
  rows: (string | number | boolean | null)[][];
}

/** Every bound of every solver with its error bars, checks and what ran. */
export function boundsTable(reports: SolveReport[]): Table {
  const rows: Table['rows'] = [];
  for (const r of reports)
    for (const b of [r.upper, r.lower])
      if (b)
        rows.push([
          b.solver,
          b.side,
          b.value,
          b.error,
          b.discretizationError,
          b.primal,
          b.stderr,
          b.converged,
          b.reliable ?? null,
          (b.checks ?? []).filter((c) => !c.ok).map((c) => c.message).join('; '),
          b.formulation,
          b.map,
          b.engine,
          b.steps,
          b.seconds,
        ]);
  return {
    title: 'bounds',
    headers: ['solver', 'side', 'value', 'error', 'discretization_error', 'primal', 'primal_stderr', 'converged', 'reliable', 'failed_checks', 'formulation', 'first_date_map', 'engine', 'steps', 'seconds'],
    rows,
  };
}

/** Reference values every bound is held to: exact values, transport bounds of the last date, independent coupling. */
export function referencesTable(r: SolveReport): Table {
  const ref = r.references;
  const rows: Table['rows'] = [];
  if (ref.exact?.upper !== undefined) rows.push(['exact upper bound', ref.exact.upper, ref.exact.source]);
  if (ref.exact?.lower !== undefined) rows.push(['exact lower bound', ref.exact.lower, ref.exact.source]);
  if (ref.comonotone !== undefined) rows.push(['comonotone coupling of the last date', ref.comonotone, 'transport bound']);
  if (ref.antitone !== undefined) rows.push(['antitone coupling of the last date', ref.antitone, 'transport bound']);
  rows.push(['independent coupling', ref.independent.value, `Monte Carlo, stderr ${ref.independent.stderr.toPrecision(2)}`]);
  return { title: 'reference values', headers: ['reference', 'value', 'source'], rows };
}

/** The trade list of the hedges' static parts: cash, forwards, and each vanilla with its strike and quantity. */
export function tradesTable(docs: HedgeDoc[], names: string[]): Table {
  const rows: Table['rows'] = [];
  for (const doc of docs) {
    rows.push([doc.side, 'cash', null, null, 'cash', null, doc.cash]);
    for (const c of doc.components) {
      if (c.kind !== 'static') continue;
      const s = c.strip;
      const at = [doc.side, c.id, c.date, names[c.asset]] as const;
      rows.push([...at, 'cash', null, s.cash]);
      rows.push([...at, 'forward', s.forwardPrice, s.forward]);
      for (const o of s.puts) rows.push([...at, 'put', o.strike, o.weight]);
      for (const o of s.calls) rows.push([...at, 'call', o.strike, o.weight]);
    }
  }
  return { title: 'static trades (vanilla strips)', headers: ['side', 'component', 'date', 'asset', 'instrument', 'strike', 'quantity'], rows };
}

/** Out-of-sample shortfall of a hedge on each set of test paths. */
export function shortfallTable(doc: HedgeDoc): Table | undefined {
  const v = doc.verification;
  if (!v) return undefined;
  return {
    title: `${doc.side} hedge: out-of-sample shortfall (margin below -${v.eps.toExponential(1)})`,
    headers: ['paths', 'n', 'martingale', 'share_below', 'mean_shortfall', 'worst_shortfall', 'mean_portfolio', 'mean_payoff'],
    rows: v.rows.map((r) => [r.paths, r.n, r.martingale, r.below, r.meanShortfall, r.worstShortfall, r.meanPortfolio, r.meanPayoff]),
  };
}

/** The support of a discrete optimal coupling: one row per path with its mass. */
export function couplingTable(side: string, solver: string, c: DiscreteCoupling, names: string[]): Table {
  const w = c.T * c.d;
  const headers = [...Array.from({ length: w }, (_, j) => `${names[j % c.d]}_date${Math.floor(j / c.d)}`), 'mass'];
  const rows = Array.from(c.mass, (m, k) => [...Array.from(c.paths.subarray(k * w, (k + 1) * w)), m]);
  return { title: `${solver} ${side} bound: optimal coupling`, headers, rows };
}

/** Every quote of one expiry with what the cleaning did to it and, for the quotes used, the repricing error. */
export function quotesTable(name: string, fit: QuotesFit): Table {
  const err = new Map(fit.repricing.map((r) => [`${r.option}/${r.strike}`, r]));
  return {
    title: `${name}: quotes`,
    headers: ['option', 'strike', 'quote', 'action', 'cleaned', 'model', 'error_over_tolerance', 'reason'],
    rows: fit.notes.map((n) => {
      const r = err.get(`${n.option}/${n.strike}`);
      return [n.option, n.strike, n.quote, n.action, n.cleaned ?? null, r?.model ?? null, r ? r.error / r.tolerance : null, n.reason];
    }),
  };
}
