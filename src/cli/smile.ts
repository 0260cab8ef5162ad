import { Command, InvalidArgumentError } from 'commander';
import { positiveArg } from './args.js';
import { VmotError } from '../core/errors.js';
import { computeSmile, loadSmileParams } from '../rough/smile.js';

/** Most strikes of one smile. */
const MAX_STRIKES = 10_000;

/** "80,90,100" or "lo:hi:count" (count equally spaced strikes). */
export function parseStrikes(v: string): number[] {
  const range = v.split(':');
  if (range.length === 3) {
    const [lo, hi, n] = range.map(Number);
    if (!(lo > 0 && hi > lo && Number.isInteger(n) && n >= 2 && n <= MAX_STRIKES))
      throw new InvalidArgumentError(`--strikes range must be lo:hi:count with 0 < lo < hi and 2 <= count <= ${MAX_STRIKES}, got "${v}"`);
    return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  }
  const ks = v.split(',').map((s) => Number(s.trim()));
  if (ks.length > MAX_STRIKES) throw new InvalidArgumentError(`--strikes takes at most ${MAX_STRIKES} strikes, got ${ks.length}`);
  const bad = ks.findIndex((k) => !(k > 0) || !Number.isFinite(k));
  if (bad >= 0) throw new InvalidArgumentError(`--strikes must be positive numbers, got "${v.split(',')[bad]}"`);
  return ks;
}

export function smileCommand(): Command {
  return new Command('smile')
    .description('rough Heston call/put prices and Black-Scholes implied volatilities at one maturity (Fourier pricing)')
    .argument('<params>', 'parameter file (JSON): parametrization, H, nu, rho, kappa/lambda, v0+theta or forwardVariance, spot, rate, dividend')
    .requiredOption('--model <name>', 'pricing model (only "rough-heston")', (v: string) => {
      if (v !== 'rough-heston') throw new InvalidArgumentError(`--model must be "rough-heston", got "${v}"`);
      return v;
    })
    .requiredOption('--maturity <T>', 'maturity in years', positiveArg('--maturity'))
    .requiredOption('--strikes <list>', 'strikes: "80,90,100" or "lo:hi:count"', parseStrikes)
    .option('--iv-tol <x>', 'target implied-volatility accuracy (absolute; default 1e-4): each price to 1e-4 times its vega', positiveArg('--iv-tol'))
    .option('--tol <x>', 'target absolute price accuracy instead of --iv-tol', positiveArg('--tol'))
    .option('--plot <file>', 'write the implied-volatility smile as a PNG')
    .option('--json', 'print one JSON object')
        .action(async (file: string, o: { maturity: number; strikes: number[]; tol?: number; ivTol?: number; plot?: string; json?: boolean }) => {
      if (o.tol !== undefined && o.ivTol !== undefined) throw new VmotError('give --tol (price) or --iv-tol (implied volatility), not both', '--tol');
      const t0 = performance.now();
      const smile = computeSmile(loadSmileParams(file), o.maturity, o.strikes, { tol: o.tol, ivTol: o.ivTol });
      const ms = performance.now() - t0;
      if (o.plot) {
        const { writeChart } = await import('../report/plot.js');
        writeChart(o.plot, {
          kind: 'line',
          title: `rough Heston smile, T = ${o.maturity}`,
          x: { label: 'strike' },
          y: { label: 'implied volatility' },
          series: [{ label: 'implied vol', points: smile.rows.filter((r) => Number.isFinite(r.impliedVol)).map((r) => ({ x: r.strike, y: r.impliedVol })) }],
        });
      }
      if (o.json) return void process.stdout.write(`${JSON.stringify({ ...smile, milliseconds: ms })}\n`);
      const p = smile.plan;
      const lines = [
        `rough Heston, T = ${o.maturity}, forward ${smile.forward.toPrecision(8)}; Fourier: u_max ${p.uMax.toPrecision(4)}, ${p.nodes} nodes, ${p.steps} Riccati steps (graded mesh, Richardson); error estimates: price ${smile.priceError.toExponential(1)}, implied vol ${smile.ivError.toExponential(1)} (${'ivTol' in smile.target ? `target ${smile.target.ivTol} at ${smile.held} of ${smile.rows.length} strikes; the others' vega is below 1% of the at-the-money vega` : `price target ${smile.target.tol}`}); ${ms.toFixed(0)} ms`,
        `${'strike'.padStart(10)} ${'call'.padStart(12)} ${'put'.padStart(12)} ${'impl.vol'.padStart(10)}`,
        ...smile.rows.map((r) => `${r.strike.toFixed(4).padStart(10)} ${r.call.toFixed(6).padStart(12)} ${r.put.toFixed(6).padStart(12)} ${(Number.isFinite(r.impliedVol) ? r.impliedVol.toFixed(6) : 'n/a').padStart(10)}`),
      ];
      if (o.plot) lines.push(`plot: ${o.plot}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
