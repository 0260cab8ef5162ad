import type { HedgeDoc } from '../hedge/document.js';

/** Readable summary of an exported hedge: cost vs bound, strips vs integrals, shortfall report and conservative bound. */
export function hedgeSummary(doc: HedgeDoc, file: string): string {
  const f = (x: number) => x.toPrecision(6);
  const e = (x: number) => x.toExponential(2);
  const lines = [
    `${doc.side} ${doc.side === 'upper' ? 'super' : 'sub'}hedge -> ${file}`,
    `  hedge cost ${f(doc.cost.total)} (cash ${f(doc.cash)} + static integrals) for the bound ${f(doc.bound.value)} +- ${e(doc.bound.error)}; strips ${f(doc.cost.strips)}${doc.cost.quoted === null ? '' : `, at quotes ${f(doc.cost.quoted)}`}`,
  ];
  const p = doc.polish;
  if (p)
    lines.push(
      `  polished: output layers re-fitted by LP (${p.solver}, ${p.rounds} rounds, ${p.constraints} paths, ${p.seconds.toFixed(1)} s) on ${p.grid ? `${p.grids} grids of ${p.grid.levels}^${doc.T * doc.d} paths (normal scores +-${p.grid.scoreRange}) and ` : ''}${p.pathsPerSet} paths per path set: cost ${f(p.costBefore)} -> ${f(p.costAfter)}, worst shortfall there ${e(p.worstBefore)} -> ${e(p.worstAfter)}${p.status === 'optimal' ? '' : ` (LP status ${p.status})`}`,
    );
  else lines.push('  not polished (--no-polish): the trained networks, which the penalty makes hold only approximately');
  const backend = doc.provenance?.tfjsBackend ? ` (TF.js backend ${String(doc.provenance.tfjsBackend)})` : '';
  lines.push(`  TF.js models (${doc.networks.length}) reloaded with tf.loadLayersModel${backend}: max |model - trained| on 10,000 inputs ${e(Math.max(...doc.networks.map((n) => n.roundTrip)))}`);
  for (const c of doc.components)
    if (c.kind === 'static') {
      const rel = c.strip.price / c.integral - 1;
      lines.push(
        `  ${c.id.padEnd(8)} integral ${f(c.integral)}  strip ${f(c.strip.price)}  (${(100 * rel).toFixed(3)}%; ${c.strip.calls.length} calls, ${c.strip.puts.length} puts${c.strip.listed ? ' at listed strikes' : ''})` +
          (c.strip.quoted === null ? '' : `  at quotes ${f(c.strip.quoted)}`),
      );
    }
  const v = doc.verification;
  if (v) {
    lines.push(`  out-of-sample (margin < -eps, eps ${e(v.eps)}):`);
    lines.push(`    ${'paths'.padEnd(52)} ${'n'.padStart(7)} ${'below'.padStart(8)} ${'mean short'.padStart(11)} ${'worst'.padStart(10)} ${'E[portf]'.padStart(10)} ${'E[payoff]'.padStart(10)}`);
    for (const r of v.rows)
      lines.push(
        `    ${r.paths.padEnd(52)} ${String(r.n).padStart(7)} ${(100 * r.below).toFixed(2).padStart(7)}% ${e(r.meanShortfall).padStart(11)} ${e(r.worstShortfall).padStart(10)} ${f(r.meanPortfolio).padStart(10)} ${f(r.meanPayoff).padStart(10)}`,
      );
    if (v.grid) lines.push(`    grid ${v.grid.levels}^${doc.T * doc.d} = ${v.grid.points} paths (normal scores +-${v.grid.scoreRange}): worst shortfall ${e(v.grid.worstShortfall)}`);
    else lines.push(`    no grid (2^${doc.T * doc.d} paths are too many): conservative bound from the sampled paths`);
    lines.push(`  ${doc.side} bound: trained ${f(doc.bound.value)}   conservative ${f(v.conservative)} (hedge cost ${doc.side === 'upper' ? '+' : '-'} worst shortfall on the grid and paths: the price at which the hedge holds on every tested path)`);
  }
  return `${lines.join('\n')}\n`;
}
