// Walk-through 1: a problem written in TypeScript (typed ProblemSpec: an editor completes and checks it), both bounds
// by the neural dual, the LP cross-check refined to 1%, and the two side by side.
// Run: npx tsx examples/walkthroughs/programmatic-solve.ts   (1500 steps instead of the default 3000, to run in under a minute; the
// default schedule, 3000 steps, gives the accuracy of README "Accuracy")
import { buildProblem, compareReports, comparisonText, lpSolver, neuralSolver, solveAll, summaryText, type ProblemSpec } from 'vmot';

const spec: ProblemSpec = {
  name: 'walkthrough-basket',
  // two assets at two dates: lognormal with total volatilities growing in time (convex order holds)
  marginals: [
    [{ dist: 'lognormal', forward: 100, sigma: 0.1414 }, { dist: 'lognormal', forward: 100, sigma: 0.2121 }],
    [{ dist: 'lognormal', forward: 100, sigma: 0.2 }, { dist: 'lognormal', forward: 100, sigma: 0.3 }],
  ],
  payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 100 },
  training: { seed: 7, steps: 1500, evalSamples: 1 << 15 },
};

const problem = await buildProblem(spec);
const neural = await solveAll(problem, neuralSolver, { onProgress: (p) => p.step === p.steps && console.error(`${p.side} bound trained`) });
const lp = await solveAll(problem, lpSolver, { options: { atoms: 'auto', target: 0.01 } });
process.stdout.write(summaryText(neural, neuralSolver, []));
process.stdout.write(summaryText(lp, lpSolver, []));
process.stdout.write(comparisonText(problem.name, compareReports(neural, lp, neural.references), neural.references));
console.log(JSON.stringify({ upper: { neural: neural.upper!.value, lp: lp.upper!.value }, lower: { neural: neural.lower!.value, lp: lp.lower!.value }, vmot: neural.provenance.vmot, engine: neural.upper!.engine }));
