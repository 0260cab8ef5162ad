import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { forwardCalls } from '../../src/rough/fourier.js';
import { stdNormalCdf } from '../../src/math/normal.js';
import { igFromZeta, igZeta, igZetaFast, millsRatio } from '../../src/rough/invgauss.js';
import { evalExpKernel, expKernel } from '../../src/rough/kernel.js';
import { correlationFactor, simulateRoughHeston } from '../../src/rough/mc.js';
import { simulateRoughHestonThreads } from '../../src/rough/mcThreads.js';
import { normalize } from '../../src/rough/params.js';

const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
const se = (a: Float64Array) => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) / a.length);
};
/** E[(S - K)^+] with the control variate S - S0 (E[S_T] = S_0 holds exactly in the scheme), and its standard error. */
const callCv = (S: Float64Array, S0: number, K: number) => {
  const pay = S.map((x) => Math.max(x - K, 0));
  const mp = mean(pay);
  const ms = mean(S);
  let cov = 0;
  let vs = 0;
  S.forEach((x, p) => {
    cov += (pay[p] - mp) * (x - ms);
    vs += (x - ms) ** 2;
  });
  const y = pay.map((x, p) => x - (cov / vs) * (S[p] - S0));
  return { value: mean(y), se: se(y) };
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

  it('keeps the variance non-negative: the integrated variance starts >= 0 and never decreases, crossVol <= sqrt(I^0 I^1)', () => {
    for (let i = 0; i < 2; i++) {
      for (let p = 0; p < 20000; p++) {
        if (!(sim.intVar[0][i][p] >= 0 && sim.intVar[1][i][p] >= sim.intVar[0][i][p])) throw new Error(`asset ${i} path ${p}: integrated variance decreases`);
      }
    }
    const cs = sim.crossVol[1][0][1];
    expect(cs.every((c, p) => c >= 0 && c <= Math.sqrt(sim.intVar[1][0][p] * sim.intVar[1][1][p]) * (1 + 1e-12))).toBe(true);
  });

  it('is reproducible from the seed (chunks of 1024 paths with their own generators) and rejects a bad correlation matrix, naming the field', () => {
    const a = simulateRoughHeston(assets, { dates: [0.5, 1], steps: 10, paths: 1500, correlation: rho, rng: new Rng(3) });
    const b = simulateRoughHeston(assets, { dates: [0.5, 1], steps: 10, paths: 1500, correlation: rho, rng: new Rng(3) });
    for (let t = 0; t < 2; t++) {
      for (let i = 0; i < 2; i++) {
        expect(Array.from(a.spot[t][i])).toEqual(Array.from(b.spot[t][i]));
        expect(Array.from(a.intVar[t][i])).toEqual(Array.from(b.intVar[t][i]));
        expect(Array.from(a.crossVol[t][0][1])).toEqual(Array.from(b.crossVol[t][0][1]));
      }
    }
    // a different seed gives different paths; the first chunk does not depend on the number of paths
    const c = simulateRoughHeston(assets, { dates: [0.5, 1], steps: 10, paths: 1500, correlation: rho, rng: new Rng(4) });
    expect(Array.from(c.spot[1][0])).not.toEqual(Array.from(a.spot[1][0]));
    const first = simulateRoughHeston(assets, { dates: [0.5, 1], steps: 10, paths: 1024, correlation: rho, rng: new Rng(3) });
    expect(Array.from(first.spot[1][1])).toEqual(Array.from(a.spot[1][1].subarray(0, 1024)));
    expect(() => simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: [[1, 1.2], [1.2, 1]], rng: new Rng(3) })).toThrow(VmotError);
    expect(() => simulateRoughHeston(assets, { dates: [1], steps: 10, paths: 5, correlation: [[1, 0.6], [0.6, 1]].slice(0, 1), rng: new Rng(3) })).toThrow(/correlation/);
  });
});

describe('rough Heston Monte Carlo at vol-of-vol nu = 0.5 (iVi scheme) against the Fourier prices', () => {
  // the floored Euler scheme this replaced priced the H = 0.1 at-the-money call 0.6 (10%) too dear at nu = 0.5
  // (scripts/rough-mc-check.ts); here the Monte Carlo error with the control variate is ~0.025 at the money
  const assets = [0.1, 0.3].map((H) => ({ model: normalize({ parametrization: 'standard', H, nu: 0.5, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 }), spot: 100 }));
  const sim = simulateRoughHeston(assets, { dates: [1], steps: 100, paths: 40000, correlation: [[1, 0.5], [0.5, 1]], rng: new Rng(2) });

  it('is a martingale: E[S_T] = S_0 within Monte Carlo error', () => {
    assets.forEach((a, i) => {
      const m = mean(sim.spot[0][i]);
      console.log(`H ${[0.1, 0.3][i]}: E[S_T] = ${m.toFixed(4)} +- ${se(sim.spot[0][i]).toFixed(4)}`);
      expect(Math.abs(m - a.spot)).toBeLessThan(4 * se(sim.spot[0][i]));
    });
  });

  it('calls at strikes 0.8, 1, 1.2 x spot agree with forwardCalls (tol 1e-3) within 4 Monte Carlo standard errors', () => {
    assets.forEach((a, i) => {
      const strikes = [0.8, 1, 1.2].map((x) => x * a.spot);
      const fourier = forwardCalls(a.model, 1, a.spot, strikes, { tol: 1e-3 }).calls;
      strikes.forEach((K, j) => {
        const c = callCv(sim.spot[0][i], a.spot, K);
        console.log(`H ${[0.1, 0.3][i]} K=${K}: MC ${c.value.toFixed(4)} +- ${c.se.toFixed(4)}, Fourier ${fourier[j].toFixed(4)} (${((c.value - fourier[j]) / c.se).toFixed(2)} se)`);
        expect(Math.abs(c.value - fourier[j])).toBeLessThan(4 * c.se + 1e-3);
      });
    });
  });
});

describe('spot correlation matrix: positive semi-definite, factored', () => {
  const LLt = (L: number[][]) => L.map((r) => L.map((q) => r.reduce((s, x, k) => s + x * q[k], 0)));

  it('accepts singular matrices (all ones: comonotone price drivers) with a lower-triangular factor that reproduces them', () => {
    const ones = [
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ];
    const rank2 = [
      [1, -1, 0.5],
      [-1, 1, -0.5],
      [0.5, -0.5, 1],
    ];
    const full = [
      [1, 0.6, -0.2],
      [0.6, 1, 0.3],
      [-0.2, 0.3, 1],
    ];
    for (const R of [ones, rank2, full]) {
      const L = correlationFactor(R, 3);
      L.forEach((row, i) => row.forEach((x, j) => j > i && expect(x).toBe(0)));
      LLt(L).forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(R[i][j], 12)));
    }
  });

  it('rejects a matrix that is not positive semi-definite, naming the field and the smallest eigenvalue', () => {
    const bad = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    expect(() => correlationFactor(bad, 3)).toThrow(VmotError);
    expect(() => correlationFactor(bad, 3)).toThrow('correlation: is not positive semi-definite (smallest eigenvalue -0.800)');
    expect(() => correlationFactor(bad, 3, 'prior.correlation')).toThrow(/^prior\.correlation: /);
  });

  it('simulates with the all-ones matrix: Cov(M^0, M^1) = E int sqrt(V^0 V^1) (Ito isometry with rho_01 = 1)', () => {
    const assets = [0.1, 0.3].map((H) => ({ model: normalize({ parametrization: 'standard', H, nu: 0.3, rho: -0.5, kappa: 0.3, v0: 0.04, theta: 0.04 }), spot: 100 }));
    const sim = simulateRoughHeston(assets, { dates: [1], steps: 50, paths: 8000, correlation: [[1, 1], [1, 1]], rng: new Rng(9) });
    const M = assets.map((a, i) => sim.spot[0][i].map((s, p) => Math.log(s / a.spot) + 0.5 * sim.intVar[0][i][p]));
    const m0 = mean(M[0]);
    const m1 = mean(M[1]);
    const prod = M[0].map((x, p) => (x - m0) * (M[1][p] - m1));
    const target = mean(sim.crossVol[0][0][1]);
    console.log(`all ones: Cov(M0, M1) = ${mean(prod).toFixed(5)} +- ${se(prod).toFixed(5)}; E int sqrt(V^0 V^1) = ${target.toFixed(5)}`);
    expect(Math.abs(mean(prod) - target)).toBeLessThan(4 * se(prod));
  });
});

describe('inverse Gaussian by inversion (the iVi step)', () => {
  it('millsRatio matches Phi(-x)/phi(x) to 1e-12 relative', () => {
    for (let x = -6; x <= 6; x += 0.173) {
      const ref = (stdNormalCdf(-x) * Math.sqrt(2 * Math.PI)) / Math.exp(-0.5 * x * x);
      expect(Math.abs(millsRatio(x) / ref - 1)).toBeLessThan(1e-12);
    }
  });

  it('dI = IG^{-1}(Phi(xi)): the IG distribution function at the draw is Phi(xi), for steps from nearly Gaussian to very skewed', () => {
    // IG(m, l) distribution function: Phi(sqrt(l/x)(x/m - 1)) + e^{2l/m} Phi(-sqrt(l/x)(x/m + 1))
    const igCdf = (x: number, m: number, l: number) => stdNormalCdf(Math.sqrt(l / x) * (x / m - 1)) + Math.exp((2 * l) / m) * stdNormalCdf(-Math.sqrt(l / x) * (x / m + 1));
    const a = 2e-4;
    for (const delta of [0.1, 0.5, 1.6, 5, 12]) {
      const beta = delta * Math.sqrt(a);
      for (const xi of [-6, -3, -1, -0.2, 0, 0.2, 1, 3, 5]) {
        const { dI, dZ } = igFromZeta(igZetaFast(xi, a, beta), a, beta);
        expect(dZ).toBeCloseTo((dI - a) / beta, 12);
        const F = igCdf(dI, a, (a * a) / (beta * beta));
        const rel = xi <= 0 ? F / stdNormalCdf(xi) - 1 : (1 - F) / stdNormalCdf(-xi) - 1;
        expect(Math.abs(rel)).toBeLessThan(1e-8);
        // the table-started and the plain Halley solutions agree
        expect(igZetaFast(xi, a, beta)).toBeCloseTo(igZeta(xi, (4 * a) / (beta * beta)), 10);
      }
    }
  });

  it('has the IG mean a and variance a beta^2 over standard normal xi', () => {
    const rng = new Rng(1);
    const a = 1e-4;
    const beta = 1.2e-2;
    const n = 100000;
    const x = new Float64Array(n);
    for (let p = 0; p < n; p++) x[p] = igFromZeta(igZetaFast(rng.normal(), a, beta), a, beta).dI;
    const m = mean(x);
    const v = x.reduce((s, y) => s + (y - m) ** 2, 0) / (n - 1);
    expect(Math.abs(m / a - 1)).toBeLessThan(4 * (beta / Math.sqrt(a)) / Math.sqrt(n));
    expect(v / (a * beta * beta)).toBeCloseTo(1, 1);
  });
});

describe('rough Heston Monte Carlo on worker threads', () => {
  it('gives the same paths on 1 and 2 threads as simulateRoughHeston on this thread', async () => {
    const params = [
      { parametrization: 'standard' as const, H: 0.1, nu: 0.5, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 },
      { parametrization: 'el-euch-rosenbaum' as const, H: 0.2, lambda: 0.5, nu: 0.8, rho: -0.5, forwardVariance: 0.06 },
    ];
    const opts = { dates: [0.5, 1], steps: 20, paths: 2500, correlation: [[1, 0.3], [0.3, 1]], seed: 4 };
    const inputs = params.map((p) => ({ params: p, spot: 100 }));
    const local = simulateRoughHeston(inputs.map((a) => ({ model: normalize(a.params), spot: a.spot })), { ...opts, rng: new Rng(opts.seed) });
    for (const threads of [1, 2]) {
      const r = await simulateRoughHestonThreads(inputs, { ...opts, threads });
      for (let t = 0; t < 2; t++)
        for (let i = 0; i < 2; i++) {
          expect(r.spot[t][i]).toEqual(local.spot[t][i]);
          expect(r.crossVol[t][0][1]).toEqual(local.crossVol[t][0][1]);
        }
    }
  });
});
