import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { forwardCalls } from '../../src/rough/fourier.js';
import { evalExpKernel, expKernel } from '../../src/rough/kernel.js';
import { simulateRoughHeston } from '../../src/rough/mc.js';
import { normalize } from '../../src/rough/params.js';

const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
const se = (a: Float64Array) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) / a.length);
};

describe('multi-asset rough Heston Monte Carlo (model (2.1))', () => {
  const assets = [
    { model: normalize({ parametrization: 'standard', H: 0.1, nu: 0.15, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 }), spot: 100 },
    { model: normalize({ parametrization: 'standard', H: 0.3, nu: 0.5, rho: -0.5, kappa: 1, forwardVariance: { times: [0, 1], values: [0.05, 0.07] } }), spot: 50 },
  ];
  const rho = [
    [1, 0.6],
    [0.6, 1],
  ];
  const sim = simulateRoughHeston(assets, { dates: [0.5, 1], steps: 200, paths: 20000, correlation: rho, rng: new Rng(11) });

  it('the kernel approximation matches t^(alpha-1)/Gamma(alpha) on [dt, T]', () => {
    const k = expKernel(0.6, 0.01, 1);
    for (const t of [0.01, 0.1, 0.5, 1]) expect(evalExpKernel(k, t) / (t ** -0.4 / 1.489192)).toBeCloseTo(1, 3);
  });

  it('is a martingale: E[S_T] = S_0 within Monte Carlo error at both dates', () => {
    for (let t = 0; t < 2; t++) {
      assets.forEach((a, i) => {
        const m = mean(sim.spot[t][i]);
        console.log(`date ${sim.dates[t]} asset ${i}: E[S] = ${m.toFixed(4)} +- ${se(sim.spot[t][i]).toFixed(4)} (S0 ${a.spot})`);
        expect(Math.abs(m - a.spot)).toBeLessThan(4 * se(sim.spot[t][i]));
      });
    }
  });

  it('marginal call prices agree with the Fourier pricer within Monte Carlo error', () => {
    assets.forEach((a, i) => {
      const strikes = [0.8, 1, 1.2].map((x) => x * a.spot);
      const fourier = forwardCalls(a.model, 1, a.spot, strikes, { tol: 1e-3 }).calls;
      strikes.forEach((K, j) => {
        const pay = sim.spot[1][i].map((s) => Math.max(s - K, 0));
        console.log(`asset ${i} K=${K}: MC ${mean(pay).toFixed(4)} +- ${se(pay).toFixed(4)}, Fourier ${fourier[j].toFixed(4)}`);
        expect(Math.abs(mean(pay) - fourier[j])).toBeLessThan(4 * se(pay));
      });
    });
  });

  it('covariance of the martingale parts M^i_T = X^i_T + (1/2) int V^i equals rho_ij int E[sqrt(V^i V^j)] (Ito isometry)', () => {
    const M = assets.map((a, i) => sim.spot[1][i].map((s, p) => Math.log(s / a.spot) + 0.5 * sim.intVar[1][i][p]));
    for (let i = 0; i < 2; i++) {
      for (let j = i; j < 2; j++) {
        const mi = mean(M[i]);
        const mj = mean(M[j]);
        const prod = M[i].map((x, p) => (x - mi) * (M[j][p] - mj));
        const target = rho[i][j] * mean(sim.crossVol[1][i][j]);
        console.log(`Cov(M${i}, M${j}) = ${mean(prod).toFixed(5)} +- ${se(prod).toFixed(5)}; rho_ij E int sqrt(V^i V^j) = ${target.toFixed(5)}`);
        expect(Math.abs(mean(prod) - target)).toBeLessThan(4 * se(prod));
      }
    }
  });

  it('is reproducible from the seed and rejects a bad correlation matrix, naming the field', () => {
    const a = simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: rho, rng: new Rng(3) });
    const b = simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: rho, rng: new Rng(3) });
    expect(Array.from(a.spot[0][0])).toEqual(Array.from(b.spot[0][0]));
    expect(() => simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: [[1, 1.2], [1.2, 1]], rng: new Rng(3) })).toThrow(VmotError);
    expect(() => simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: [[1, 0.6], [0.6, 1]].slice(0, 1), rng: new Rng(3) })).toThrow(/correlation/);
  });
});
