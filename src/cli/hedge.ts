import { Command } from 'commander';
import { VmotError } from '../core/errors.js';
import { buildPayoff } from '../problem/payoffs/registry.js';

/** Parses "x1,x2;y1,y2" (dates separated by ';', assets by ',') into a T*d path. */
export function parsePath(text: string, T: number, d: number): Float64Array {
  const dates = text.split(';');
  if (dates.length !== T) throw new VmotError(`has ${dates.length} dates separated by ';', the hedge has T = ${T}`, '--path');
  const s = new Float64Array(T * d);
  dates.forEach((row, t) => {
    const cells = row.split(',');
    if (cells.length !== d) throw new VmotError(`date ${t} has ${cells.length} prices separated by ',', the hedge has d = ${d} assets`, '--path');
    cells.forEach((c, i) => {
      const v = Number(c.trim());
      if (c.trim() === '' || !Number.isFinite(v)) throw new VmotError(`price of asset ${i} at date ${t} is not a number: ${JSON.stringify(c)}`, '--path');
      s[t * d + i] = v;
    });
  });
  return s;
}

export function hedgeCommand(): Command {
  const cmd = new Command('hedge').description('exported super/sub-hedges (written by `vmot bounds --hedge DIR`)');
  cmd
    .command('evaluate')
    .description('portfolio value and each component of an exported hedge on one price path')
    .argument('<hedge>', 'hedge.json')
    .requiredOption('--path <prices>', 'price path "x1,x2;y1,y2" (dates separated by ";", assets by ",")')
    .option('--json', 'print one JSON object')
    .action(async (file: string, o: { path: string; json?: boolean }) => {
      // TF.js loads only when a hedge is evaluated
      const { loadHedge } = await import('../hedge/export.js');
      const hedge = await loadHedge(file);
      const { doc } = hedge;
      const s = parsePath(o.path, doc.T, doc.d);
      const { total, parts } = await hedge.portfolio(s, 1);
      const payoff = buildPayoff(doc.payoff, { T: doc.T, d: doc.d }).value(s);
      const margin = doc.side === 'upper' ? total[0] - payoff : payoff - total[0];
      const components = doc.components.map((c, k) => ({ id: c.id, kind: c.kind, date: c.date, asset: c.asset, value: parts[k][0] }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ side: doc.side, portfolio: total[0], cash: doc.cash, components, payoff, margin })}\n`);
        return;
      }
      const f = (x: number) => x.toPrecision(7).padStart(14);
      const lines = [`${doc.problem} ${doc.side} bound ${doc.bound.value.toPrecision(6)}: ${doc.side === 'upper' ? 'super' : 'sub'}hedge on path ${o.path}`, `  ${'cash'.padEnd(10)} ${f(doc.cash)}`];
      for (const c of components) lines.push(`  ${c.id.padEnd(10)} ${f(c.value)}   ${c.kind === 'holding' ? `holding x (s[${c.date + 1}][${c.asset}] - s[${c.date}][${c.asset}])` : `static, date ${c.date} asset ${c.asset}`}`);
      lines.push(`  ${'portfolio'.padEnd(10)} ${f(total[0])}`, `  ${'payoff'.padEnd(10)} ${f(payoff)}`, `  ${'margin'.padEnd(10)} ${f(margin)}   (${margin >= 0 ? 'covered' : 'shortfall'})`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  return cmd;
}
