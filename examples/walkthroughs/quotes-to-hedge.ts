// Walk-through 2: option quotes -> risk-neutral marginals -> bounds -> the super-hedge, saved and reloaded.
// The AMZN/AAPL chains of examples/amzn-aapl: each expiry's law from its cleaned quotes, the portfolio-variance
// problem on them, its upper bound by the neural dual (2000 steps instead of the file's 6000, to run in under a minute),
// the hedge exported (TF.js models, vanilla strips at the listed strikes) and evaluated on one price path.
// Run: npx tsx examples/walkthroughs/quotes-to-hedge.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportReport, expiryLawFromFiles, hedgeSummary, loadHedge, loadProblem, neuralSolver, solveAll } from 'vmot';

const dir = fileURLToPath(new URL('../amzn-aapl/', import.meta.url));

// 1. one expiry's law from its quotes: parity forward, cleaning report, density, repricing
const law = await expiryLawFromFiles(join(dir, 'AMZN_call_price.csv'), join(dir, 'AMZN_put_price.csv'), 'period 2');
const worst = Math.max(...law.repricing.map((r) => Math.abs(r.error) / r.tolerance));
console.log(`AMZN period 2: forward ${law.parity.forward.toFixed(3)}, ${law.cleaned.strikes.length} quotes used, worst repricing ${(100 * worst).toFixed(0)}% of its tolerance`);

// 2. the problem file builds the same laws (in returns) for both assets and dates
const problem = await loadProblem(join(dir, 'portfolio-variance.json'), { steps: 2000 });
problem.training.evalSamples = 1 << 15;
problem.bounds = ['upper'];

// 3. the upper bound and its super-hedge
const report = await solveAll(problem, neuralSolver);
console.log(`upper bound ${report.upper!.value.toPrecision(5)} (transport bound ${report.references.comonotone?.toPrecision(5)}, ${report.upper!.engine})`);
const out = mkdtempSync(join(tmpdir(), 'vmot-walkthrough-'));
const [doc] = await exportReport(out, problem, report, { verify: { n: 1 << 12, gridPoints: 1 << 12 } });
process.stdout.write(hedgeSummary(doc, join(out, 'upper', 'hedge.json')));

// 4. reload the hedge (TF.js models from disk) and evaluate it on one path of returns
const hedge = await loadHedge(join(out, 'upper', 'hedge.json'));
const path = Float64Array.from([0.05, 0.1, 0.08, 0.12]);
const { total } = await hedge.portfolio(path, 1);
const payoff = problem.payoff.value(path);
console.log(JSON.stringify({ portfolio: total[0], payoff, margin: total[0] - payoff, cost: doc.cost.total, listed: doc.components.some((c) => c.kind === 'static' && c.strip.listed) }));
