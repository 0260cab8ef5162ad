import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';

/** "0.0959,0.1726": one year fraction per problem date. */
const maturitiesArg = (v: string): number[] => {
  const ts = v.split(',').map(Number);
  if (!ts.every((t, i) => t > 0 && (i === 0 || t > ts[i - 1]))) throw new InvalidArgumentError(`--maturities must be increasing positive year fractions, got "${v}"`);
  return ts;
};

export function fitRoughCommand(): Command {
  return new Command('fit-rough')
    .description("fit each asset's rough Heston parameters to its cleaned option quotes (least squares in implied vol) and print a ready RMOT prior block")
    .argument('<problem>', 'problem file whose marginals are built from option quotes')
    .requiredOption('--maturities <list>', 'year fractions of the problem dates, e.g. 0.0959,0.1726', maturitiesArg)
    .option('--correlation <rho>', 'correlation of the price drivers in the prior block (default 0.5)', Number, 0.5)
    .option('--write <file>', 'write the prior block as JSON')
    .option('--json', 'print one JSON object')
    .option('--allow-files-outside', "let the problem file read data files outside its own folder (refused by default)")
    .action(async (file: string, o: { maturities: number[]; correlation: number; write?: string; json?: boolean; allowFilesOutside?: boolean }) => {
      const { loadProblem } = await import('../problem/problem.js');
      const { VmotError } = await import('../core/errors.js');
      const { fitRoughHeston, quotesSmile } = await import('../rmot/fitRough.js');
      const problem = await loadProblem(file, {}, { allowFilesOutside: o.allowFilesOutside });
      if (o.maturities.length !== problem.T) throw new VmotError(`gives ${o.maturities.length} maturities, the problem has T = ${problem.T} dates`, '--maturities');
      const specs = problem.source.spec.marginals as { reference?: number }[][];
      const fits = problem.assets.map((name, i) => {
        const smiles = o.maturities.map((T, t) => quotesSmile(problem.marginals[t][i], T, `marginals[${t}][${i}]`));
        return { asset: name, ...fitRoughHeston(smiles), spot: smiles[smiles.length - 1].forward, reference: specs[problem.T - 1][i].reference };
      });
      const d = problem.d;
      const prior = {
        model: 'rough-heston',
        dates: o.maturities,
        assets: fits.map((f) => ({ spot: f.spot, ...(f.reference ? { reference: f.reference } : {}), ...f.params })),
        correlation: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : o.correlation))),
        paths: 100000,
        steps: 100,
        seed: 1,
      };
      if (o.write) writeFileSync(o.write, `${JSON.stringify(prior, null, 2)}\n`);
      if (o.json) return void process.stdout.write(`${JSON.stringify({ fits, prior })}\n`);
      const lines = fits.flatMap((f) => [
        `${f.asset}: H ${f.params.H.toFixed(3)}, nu ${f.params.nu.toFixed(3)}, rho ${f.params.rho.toFixed(3)}, kappa ${f.params.kappa}, forward variance ${f.curve.map((v) => v.toFixed(4)).join(' -> ')} (linear to T = ${o.maturities[o.maturities.length - 1]}); spot (last parity forward) ${f.spot.toPrecision(6)}`,
        `  implied-vol fit: RMS ${(100 * f.rmse).toFixed(2)} vol points, largest ${(100 * f.maxError).toFixed(2)}; ${f.perMaturity.map((m) => `T = ${m.maturity.toFixed(4)}: ${m.quotes} quotes, RMS ${(100 * m.rmse).toFixed(2)}`).join('; ')}; ${f.iterations} Levenberg-Marquardt steps, ${f.seconds.toFixed(1)} s`,
      ]);
      lines.push(`prior block${o.write ? ` (written to ${o.write})` : ''}: ${JSON.stringify(prior)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
