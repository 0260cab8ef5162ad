// Benchmark: a 50-strike rough Heston smile at T = 1 (QuantLib parameter set) with a single Adams solve at the
// stability step count (no Richardson pass), timed after warm-up, against a tight-tolerance reference smile.
import { forwardCalls } from '../src/rough/fourier.js';
import { impliedVol } from '../src/rough/impliedVol.js';
import { loadSmileParams } from '../src/rough/smile.js';

const input = loadSmileParams('examples/rough-heston-quantlib.json');
const T = 1;
const F = input.spot * Math.exp((input.rate - input.dividend) * T);
const strikes = Array.from({ length: 50 }, (_, i) => F * Math.exp(-0.4 + (0.7 * i) / 49));
const ivs = (calls: Float64Array) => Array.from(calls, (c, i) => impliedVol(F, strikes[i], T, c));

const reference = forwardCalls(input.model, T, F, strikes, { tol: 1e-6 * F });
const refIv = ivs(reference.calls);
const fast = () => forwardCalls(input.model, T, F, strikes, { tol: Number(process.env.TOL ?? 2e-5) * F, steps: Number(process.env.STEPS ?? 300) });
for (let i = 0; i < 5; i++) fast();
const times: number[] = [];
let last = fast();
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  last = fast();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const err = Math.max(...ivs(last.calls).map((v, i) => Math.abs(v - refIv[i])));
console.log(`50 strikes, K/F in [e^-0.4, e^0.3], T = ${T}`);
console.log(`reference: ${reference.plan.steps} Adams steps (Richardson), u_max ${reference.plan.uMax.toFixed(1)}, ${reference.plan.nodes} nodes`);
console.log(`fast: ${last.plan.steps} Adams steps (single solve), u_max ${last.plan.uMax.toFixed(1)}, ${last.plan.nodes} nodes`);
console.log(`max |implied vol - reference| = ${err.toExponential(2)}`);
console.log(`time per smile: median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)} ms (20 runs; machine load ${(await import('node:os')).loadavg()[0].toFixed(1)})`);
