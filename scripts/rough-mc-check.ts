// Check: rough Heston Monte Carlo calls against the Fourier prices of the same parameters, at vol-of-vol nu = 0.3 and
// 0.5, for the iVi scheme of src/rough/mc.ts (NEW) and, as a baseline, the floored Euler scheme it replaced (OLD).
// Run: npx tsx scripts/rough-mc-check.ts [paths] [steps]   (defaults 100000 paths, 200 steps)
import { Rng } from '../src/core/random.js';
import { forwardCalls } from '../src/rough/fourier.js';
import { expKernel } from '../src/rough/kernel.js';
import { simulateRoughHeston } from '../src/rough/mc.js';
import { normalize, type RoughHeston } from '../src/rough/params.js';

const paths = Number(process.argv[2] ?? 100_000);
const steps = Number(process.argv[3] ?? 200);
const T = 1;
const S0 = 100;
const strikes = [80, 100, 120];

/**
 * BASELINE ONLY (the scheme src/rough/mc.ts used before the iVi scheme; kept here for this comparison): one asset,
 * (v0, theta) parameters, multi-factor lift of the kernel advanced by the exponential integrator with the integrand
 * frozen on each step, the variance floored at zero (V^+ = max(V, 0)) in the diffusion and the log-spot Euler step.
 */
function flooredEulerBaseline(model: RoughHeston, rng: Rng): Float64Array {
  if (model.variance.kind !== 'v0') throw new Error('baseline: (v0, theta) parameters only');
  const { v0, theta } = model.variance;
  const dt = T / steps;
  const { weights, rates } = expKernel(model.alpha, dt, T);
  const decay = rates.map((x) => Math.exp(-x * dt));
  const gain = rates.map((x, k) => (x * dt < 1e-12 ? dt : (1 - decay[k]) / x));
  const U = new Float64Array(rates.length);
  const out = new Float64Array(paths);
  const sr = Math.sqrt(1 - model.rho * model.rho);
  for (let p = 0; p < paths; p++) {
    U.fill(0);
    let X = Math.log(S0);
    for (let n = 0; n < steps; n++) {
      let v = v0;
      for (let k = 0; k < U.length; k++) v += weights[k] * U[k];
      const V = Math.max(v, 0);
      const dW = rng.normal() * Math.sqrt(dt);
      const dWV = model.rho * dW + sr * rng.normal() * Math.sqrt(dt);
      const force = model.kappa * (theta - v) + (model.nu * Math.sqrt(V) * dWV) / dt;
      for (let k = 0; k < U.length; k++) U[k] = decay[k] * U[k] + gain[k] * force;
      X += -0.5 * V * dt + Math.sqrt(V) * dW;
    }
    out[p] = Math.exp(X);
  }
  return out;
}

function stats(a: Float64Array): { mean: number; se: number } {
  let s = 0;
  for (const x of a) s += x;
  const mean = s / a.length;
  let q = 0;
  for (const x of a) q += (x - mean) ** 2;
  return { mean, se: Math.sqrt(q / (a.length - 1) / a.length) };
}

console.log(`rough Heston, T = ${T}, S0 = ${S0}, rho = -0.7, kappa = 0.3, v0 = theta = 0.04; ${paths} paths, ${steps} steps`);
console.log('scheme  nu   H    E[S_T] (+- se)      K   MC call (+- se)     Fourier    MC - Fourier  in se   time');
for (const nu of [0.3, 0.5]) {
  for (const H of [0.1, 0.3]) {
    const model = normalize({ parametrization: 'standard', H, nu, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 });
    const fourier = forwardCalls(model, T, S0, strikes, { tol: 1e-3 }).calls;
    const runs: [string, () => Float64Array][] = [
      ['OLD', () => flooredEulerBaseline(model, new Rng(`old-${nu}-${H}`))],
      ['NEW', () => simulateRoughHeston([{ model, spot: S0 }], { dates: [T], steps, paths, correlation: [[1]], rng: new Rng(`new-${nu}-${H}`) }).spot[0][0]],
    ];
    for (const [name, run] of runs) {
      const t0 = performance.now();
      const ST = run();
      const ms = performance.now() - t0;
      const m = stats(ST);
      strikes.forEach((K, j) => {
        const c = stats(ST.map((s) => Math.max(s - K, 0)));
        const diff = c.mean - fourier[j];
        console.log(
          `${name}     ${nu.toFixed(1)}  ${H.toFixed(1)}  ${j === 0 ? `${m.mean.toFixed(3)} (+- ${m.se.toFixed(3)})` : ' '.repeat(18)}  ${String(K).padStart(3)}  ${c.mean.toFixed(4)} (+- ${c.se.toFixed(4)})  ${fourier[j].toFixed(4)}  ${(diff >= 0 ? '+' : '') + diff.toFixed(4)}       ${(diff / c.se >= 0 ? '+' : '') + (diff / c.se).toFixed(1)}  ${j === 0 ? `${(ms / 1000).toFixed(1)} s` : ''}`,
        );
      });
    }
  }
}
