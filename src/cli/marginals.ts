import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { positiveArg } from './args.js';
import { CheckFailed, VmotError } from '../core/errors.js';
import { writeJsonAtomic } from '../core/files.js';
import { checkSviButterfly, type SviButterflyReport } from '../marginals/quotes/arbitrage.js';
import { checkCalendar } from '../marginals/quotes/calendar.js';
import { readPriceTable, selectExpiry } from '../marginals/quotes/chain.js';
import { expiryLaw, type ExpiryLaw } from '../marginals/quotes/pipeline.js';
import { affineMarginal } from '../marginals/quotes/transform.js';

interface Options {
  column: string[];
  discount?: number;
  reference?: number;
  alignMean?: boolean;
  callTol?: number;
  out: string;
  plot?: string;
  json?: boolean;
  svi?: number[];
  asset?: string;
}

const sviArg = (v: string) => {
  const p = v.split(',').map(Number);
  if (p.length !== 5 || p.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError(`--svi takes five numbers a,b,m,rho,sigma, got "${v}"`);
  return p;
};

const collect = (v: string, prev: string[]) => [...prev, v];

export function marginalsCommand(): Command {
  return new Command('marginals')
    .description('risk-neutral marginals from option quotes: parity forward, cleaning report, Breeden-Litzenberger density and quantiles; or an SVI butterfly-arbitrage check')
    .argument('[calls]', 'call prices: CSV (strike, one column per expiry) or JSON records')
    .argument('[puts]', 'put prices, same format')
    .option('--column <name>', 'expiry column (exact, or a part naming one column per file, e.g. "period 1"); repeat for a calendar check', collect, [])
    .option('--discount <D>', 'known discount factor (default: estimated from put-call parity)', positiveArg('--discount'))
    .option('--reference <S0>', 'write returns S/S0 - 1 instead of prices', positiveArg('--reference'))
    .option('--align-mean', 'calendar repair: shift every expiry to the last expiry\'s forward before the convex-order check')
    .option('--call-tol <x>', 'tolerance of the calendar call-price check, relative to the standard deviation (default 1e-6)', positiveArg('--call-tol'))
    .option('--out <dir>', 'folder for density and quantile CSV files', 'runs/marginals')
    .option('--asset <name>', 'names the output files <asset>-<column>-density.csv etc. (default: the calls file name up to its first "_" or ".")')
    .option('--plot <file>', 'PNG plot of the densities')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--svi <a,b,m,rho,sigma>', 'check raw SVI parameters (total variance in log-moneyness) for butterfly arbitrage instead', sviArg)
    .action(async (calls: string | undefined, puts: string | undefined, o: Options) => {
      if (o.svi) return printSvi(o.svi, o.json);
      if (!calls || !puts) throw new VmotError('give the calls and puts files (or --svi)', 'marginals');
      if (o.column.length === 0) throw new VmotError('give at least one --column', '--column');
      const callTable = readPriceTable(calls);
      const putTable = readPriceTable(puts);
      const laws: ExpiryLaw[] = [];
      for (const c of o.column) laws.push(await expiryLaw(selectExpiry(callTable, putTable, c, '--column'), { discount: o.discount }, `--column ${c}`));
      const calendar =
        laws.length > 1
          ? checkCalendar(
              laws.map((l) => ({ expiry: l.expiry.calls, marginal: l.marginal })),
              { alignMean: o.alignMean, callTol: o.callTol },
              '--column',
            )
          : undefined;
      mkdirSync(o.out, { recursive: true });
      const asset = o.asset ?? basename(calls).split(/[_.]/)[0];
      const files = laws.map((l, i) => writeLaw(o.out, `${slug(asset)}-${slug(o.column[i])}`, l, calendar?.shifts[i] ?? 0, o.reference));
      if (o.plot) await plotDensities(o.plot, asset, o.column, laws, o.reference);
      const summary = laws.map((l, i) => lawJson(l, files[i], calendar?.shifts[i] ?? 0));
      if (o.json) process.stdout.write(`${JSON.stringify({ expiries: summary, calendar: calendar?.pairs ?? null })}\n`);
      else process.stdout.write(laws.map((l, i) => lawText(l, files[i], calendar?.shifts[i] ?? 0)).join('') + calendarText(calendar));
    });
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * Writes <name>-density.csv (x, density, cdf), <name>-quantile.csv (u, x) and <name>.json (what x is: prices, or returns
 * vs `reference`, and the calendar shift applied).
 */
function writeLaw(dir: string, name: string, l: ExpiryLaw, shift: number, reference?: number): { density: string; quantile: string; units: string } {
  const to = (x: number) => (reference ? (x + shift) / reference - 1 : x + shift);
  const jac = reference ?? 1;
  const { x, f } = l.density;
  const dens = ['x,density,cdf', ...Array.from(x, (v, j) => `${to(v)},${f[j] * jac},${l.marginal.cdf(v)}`)];
  const us = [1e-6, 1e-5, 1e-4, ...Array.from({ length: 999 }, (_, i) => (i + 1) / 1000), 1 - 1e-4, 1 - 1e-5, 1 - 1e-6];
  const quant = ['u,x', ...us.map((u) => `${u},${to(l.marginal.quantile(u))}`)];
  const base = join(dir, name);
  const files = { density: `${base}-density.csv`, quantile: `${base}-quantile.csv`, units: `${base}.json` };
  writeFileSync(files.density, `${dens.join('\n')}\n`);
  writeFileSync(files.quantile, `${quant.join('\n')}\n`);
  const units = reference ? { x: 'return', definition: `price / ${reference} - 1`, reference } : { x: 'price' };
  writeJsonAtomic(files.units, { expiry: l.expiry, ...units, meanShift: shift, forward: l.parity.forward, discount: l.parity.discount, files: { density: files.density, quantile: files.quantile } });
  return files;
}

function mass(l: ExpiryLaw): number {
  const { x, f } = l.density;
  let m = 0;
  for (let j = 0; j + 1 < x.length; j++) m += 0.5 * (f[j] + f[j + 1]) * (x[j + 1] - x[j]);
  return m;
}

function lawJson(l: ExpiryLaw, files: { density: string; quantile: string; units: string }, shift: number) {
  return {
    expiry: l.expiry,
    forward: l.parity.forward,
    discount: l.parity.discount,
    discountEstimated: l.parity.discountEstimated,
    parityResiduals: l.parity.points,
    arbitrage: l.arbitrage,
    quotes: l.cleaned.notes,
    projection: l.cleaned.projection,
    mass: mass(l),
    mean: l.marginal.mean,
    sd: Math.sqrt(l.marginal.variance),
    support: l.marginal.range(),
    meanShift: shift,
    repricing: l.repricing,
    files,
  };
}

const f4 = (x: number) => Number(x.toPrecision(5)).toString();

function lawText(l: ExpiryLaw, files: { density: string; quantile: string; units: string }, shift: number): string {
  const p = l.parity;
  const notes = l.cleaned.notes;
  const itm = notes.filter((n) => n.action === 'removed' && n.reason.startsWith('in the money')).length;
  const shown = notes.filter((n) => n.action === 'moved' || (n.action === 'removed' && !n.reason.startsWith('in the money')));
  const used = notes.filter((n) => n.action !== 'removed').length;
  const worst = l.repricing.reduce((w, r) => (Math.abs(r.error) / r.tolerance > Math.abs(w.error) / w.tolerance ? r : w));
  const lines = [
    `expiry "${l.expiry.calls}" / "${l.expiry.puts}"`,
    `  parity: forward ${f4(p.forward)}, discount ${f4(p.discount)}${p.discountEstimated ? ' (estimated)' : ' (given)'}; Theil-Sen on strikes ${p.points.map((q) => q.strike).join(', ')}, max |residual| ${f4(Math.max(...p.points.map((q) => Math.abs(q.residual))))}`,
    `  quotes: ${used} out-of-the-money quotes used (${notes.filter((n) => n.action === 'moved').length} moved by ${l.cleaned.projection} projection), ${itm} in-the-money not used, ${shown.length - notes.filter((n) => n.action === 'moved').length} removed:`,
    ...shown.map((n) =>
      n.action === 'moved'
        ? `    moved   ${n.option} ${n.strike}: ${f4(n.quote)} -> ${f4(n.cleaned!)} (${n.change! > 0 ? '+' : ''}${f4(n.change!)}) ${n.reason}`
        : `    removed ${n.option} ${n.strike}: ${f4(n.quote)} ${n.reason}`,
    ),
    ...(l.arbitrage.length ? [`  arbitrage in the raw quotes (beyond their tolerance; not at the parity strikes): ${l.arbitrage.map((a) => a.message).join('; ')}`] : []),
    `  density: mass ${mass(l).toFixed(9)}, mean ${f4(l.marginal.mean)} (forward ${f4(p.forward)}), sd ${f4(Math.sqrt(l.marginal.variance))}, support [${l.marginal.range().map(f4).join(', ')}]${shift ? `, shifted by ${f4(shift)} (calendar repair)` : ''}`,
    `  repricing: worst ${worst.option} ${worst.strike}: model ${f4(worst.model)} vs quote ${f4(worst.quote)} (${f4(Math.abs(worst.error) / worst.tolerance)} of its tolerance ${f4(worst.tolerance)})`,
    `  wrote ${files.density}, ${files.quantile}, ${files.units}`,
  ];
  return `${lines.join('\n')}\n`;
}

function calendarText(c: ReturnType<typeof checkCalendar> | undefined): string {
  if (!c) return '';
  return c.pairs.map((p) => `calendar: "${p.from}" <=c "${p.to}" ok (mean gap ${f4(p.report.meanGap)}, worst call gap ${f4(p.report.worstCallGap)} at ${f4(p.report.worstStrike)})\n`).join('');
}

/** The densities of one asset's expiries on the range of their bulk, with the strikes quoted and used (prices, or returns vs `reference`). */
async function plotDensities(file: string, asset: string, columns: string[], laws: ExpiryLaw[], reference?: number): Promise<void> {
  // the plotting stack (chart.js on a native canvas) loads only when a plot is asked for
  const { marginalChart } = await import('../report/figures/marginals.js');
  const { writeChart } = await import('../report/plot.js');
  const to = (x: number) => (reference ? x / reference - 1 : x);
  const marginals = laws.map((l) => (reference ? affineMarginal(l.marginal, 1 / reference, -1, `${l.marginal.label} as return vs ${reference}`) : l.marginal));
  const marks = laws.map((l, i) => ({ label: `strikes quoted and used, "${columns[i]}"`, xs: l.cleaned.strikes.map(to) }));
  writeChart(file, marginalChart(asset, marginals, 'density', columns.map((c) => `"${c}"`), marks));
}

function printSvi(p: number[], json?: boolean): void {
  const [a, b, m, rho, sigma] = p;
  const r: SviButterflyReport = checkSviButterfly({ a, b, m, rho, sigma });
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else printSviText(r, p);
  // a check that found arbitrage: the documented exit code 3
  if (!r.ok || !r.wingsOk) throw new CheckFailed(r.ok ? "the SVI wings violate Lee's moment bound" : 'the SVI smile has butterfly arbitrage');
}

function printSviText(r: SviButterflyReport, p: number[]): void {
  const [a, b, m, rho, sigma] = p;
  const where = r.intervals.map(([lo, hi]) => `[${lo.toFixed(3)}, ${hi.toFixed(3)}]`).join(', ');
  process.stdout.write(
    r.ok
      ? `SVI (a=${a}, b=${b}, m=${m}, rho=${rho}, sigma=${sigma}): no butterfly arbitrage on k in [-3, 3] (min g = ${f4(r.minG)} at k = ${r.argMinG.toFixed(3)})\n`
      : `SVI (a=${a}, b=${b}, m=${m}, rho=${rho}, sigma=${sigma}): BUTTERFLY ARBITRAGE (negative density) on k in ${where}; min g = ${f4(r.minG)} at k = ${r.argMinG.toFixed(3)}\n`,
  );
  if (!r.wingsOk) process.stdout.write(`  wings: b (1 + |rho|) = ${f4(b * (1 + Math.abs(rho)))} > 2 violates Lee's moment bound\n`);
}
