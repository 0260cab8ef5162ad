import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { roughBergomiComponent } from '../../src/rough/indexSkew.js';
import {
  Z95,
  centralDifference,
  cramerRao,
  fisherInformation,
  fitCorrelation,
  flatIndexVol,
  flatIndexVolDerivative,
  fwJacobianRank,
  impliedCorrelation,
  impliedCorrelationFrom,
} from '../../src/rmot/correlation.js';

const weights = [0.5, 0.3, 0.2];
const vols = [0.2, 0.3, 0.25];

/** sigma_I from the definition sigma_I^2 = sum_ij w_i w_j rho_ij sigma_i sigma_j, rho_ii = 1, rho_ij = rho. */
const indexVolByDefinition = (w: number[], s: number[], rho: number) => {
  let v = 0;
  for (let i = 0; i < w.length; i++) for (let j = 0; j < w.length; j++) v += w[i] * w[j] * (i === j ? 1 : rho) * s[i] * s[j];
  return Math.sqrt(v);
};

const vmotError = (f: () => unknown): VmotError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VmotError);
    return e as VmotError;
  }
  throw new Error('expected a VmotError');
};

describe('implied correlation formula (CBOE 2009)', () => {
  it('recovers a known correlation from Black-Scholes index vols', () => {
    for (const rho of [0.4, -0.3, 0, 0.95]) {
      const indexVol = indexVolByDefinition(weights, vols, rho);
      expect(Math.abs(impliedCorrelation({ weights, vols, indexVol }) - rho)).toBeLessThan(1e-12);
      expect(flatIndexVol({ weights, vols }, rho)).toBeCloseTo(indexVol, 15);
    }
  });

  it('derivative d sigma_I / d rho matches central differences of the definition', () => {
    const fd = centralDifference((r) => [indexVolByDefinition(weights, vols, r)], 0.4, 1e-5)[0];
    expect(flatIndexVolDerivative({ weights, vols }, 0.4)).toBeCloseTo(fd, 9);
  });

  it('errors name the field', () => {
    expect(vmotError(() => impliedCorrelation({ weights, vols: [0.2, 0.3], indexVol: 0.2 })).field).toBe('vols');
    expect(vmotError(() => impliedCorrelation({ weights: [1], vols: [0.2], indexVol: 0.2 })).field).toBe('weights');
    expect(vmotError(() => impliedCorrelation({ weights, vols: [0.2, 0, 0.25], indexVol: 0.2 })).field).toBe('vols');
    expect(vmotError(() => impliedCorrelation({ weights, vols, indexVol: -0.1 })).field).toBe('indexVol');
    expect(vmotError(() => impliedCorrelation({ weights: [0.5, 0.3, 0.3], vols, indexVol: 0.2 })).field).toBe('weights');
  });

  it('an index vol above the comonotone one is inconsistent with any single correlation', () => {
    const e = vmotError(() => impliedCorrelation({ weights, vols, indexVol: 0.3 })); // sum w_i sigma_i = 0.24
    expect(e.field).toBe('indexVol');
    expect(e.message).toMatch(/inconsistent with any single correlation/);
    expect(e.message).toContain(String((0.09 - 0.0206) / 0.037));
  });
});

describe('Fisher information and Cramer-Rao', () => {
  it('the bound matches the sd of repeated noisy fits (Monte Carlo, 2000 repetitions)', () => {
    const rho = 0.4;
    const sigmaI = indexVolByDefinition(weights, vols, rho);
    const noiseSds = [0.002, 0.0025, 0.003, 0.0035, 0.004]; // 5 strikes, flat index vol
    // independent derivative: sigma_I^2 = own + rho * cross, cross = (sum w_i sigma_i)^2 - sum w_i^2 sigma_i^2 = 0.037
    const slope = 0.037 / (2 * sigmaI);
    const bound = cramerRao(rho, noiseSds.map(() => slope), noiseSds);
    expect(bound.information).toBeCloseTo(noiseSds.reduce((s, sd) => s + (slope / sd) ** 2, 0), 6);
    const rng = new Rng(16);
    const reps = 2000;
    const estimates: number[] = [];
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const indexVols = noiseSds.map((s) => sigmaI + s * rng.normal());
      const fit = impliedCorrelationFrom({ kind: 'index', weights, vols, indexVols, noiseSds });
      estimates.push(fit.rho);
      if (fit.cramerRao!.lower <= rho && rho <= fit.cramerRao!.upper) covered++;
    }
    const mean = estimates.reduce((s, x) => s + x, 0) / reps;
    const sd = Math.sqrt(estimates.reduce((s, x) => s + (x - mean) ** 2, 0) / (reps - 1));
    console.log(`Cramer-Rao sd ${bound.sd.toPrecision(5)}, Monte Carlo sd ${sd.toPrecision(5)} (ratio ${(sd / bound.sd).toFixed(4)}), mean ${mean.toFixed(5)}, 95% coverage ${covered / reps}`);
    expect(Math.abs(sd / bound.sd - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean - rho)).toBeLessThan(3 * (bound.sd / Math.sqrt(reps)) + 1e-3);
    expect(Math.abs(covered / reps - 0.95)).toBeLessThan(0.02);
  });

  it('the interval is rho_hat -+ z sd, clipped to [-1, 1]; a function sensitivity is differenced', () => {
    const b = cramerRao(0.9, [2], [1]);
    expect(b.sd).toBeCloseTo(0.5, 15);
    expect(b.z).toBe(Z95);
    expect(b.lower).toBeCloseTo(0.9 - Z95 * 0.5, 15);
    expect(b.upper).toBe(1);
    const f = cramerRao(0.4, (r) => [indexVolByDefinition(weights, vols, r), 2 * indexVolByDefinition(weights, vols, r)], [0.01, 0.02]);
    const slope = flatIndexVolDerivative({ weights, vols }, 0.4);
    expect(f.information).toBeCloseTo(2 * (slope / 0.01) ** 2, 4);
  });

  it('single-asset quotes: zero Fisher information, and the estimate is refused', () => {
    // a single asset's Black-Scholes vol does not move with the correlation: derivative 0, information 0
    const single = (_rho: number) => [0.2, 0.2, 0.2];
    const b = cramerRao(0.4, single, [0.002, 0.002, 0.002]);
    expect(b.information).toBe(0);
    expect(b.sd).toBe(Infinity);
    expect([b.lower, b.upper]).toEqual([-1, 1]);
    expect(fisherInformation([0, 0], [0.01, 0.01])).toBe(0);
    const e = vmotError(() => impliedCorrelationFrom({ kind: 'single', asset: 'SPX' }));
    expect(e.field).toBe('correlation');
    expect(e.message).toMatch(/do not depend on the cross-asset correlations/);
    expect(e.message).toMatch(/Fisher information about them is exactly zero/);
    expect(e.message).toMatch(/Theorem 3\.1 is false/);
    expect(e.message).toMatch(/use index or basket option quotes/);
  });

  it('noise sds are validated', () => {
    expect(vmotError(() => fisherInformation([1, 2], [0.1])).field).toBe('noiseSds');
    expect(vmotError(() => fisherInformation([1], [0])).field).toBe('noiseSds');
  });
});

describe('Friz-Wagenhofer eq. (9) identification (Jacobian rank)', () => {
  it('N = 2: rank 1, the correlation is identified', () => {
    const comps = [roughBergomiComponent(0.5, 0.2, 1.0, 0.1), roughBergomiComponent(0.5, 0.3, 1.5, 0.3)];
    const r = fwJacobianRank(comps, [
      [1, 0.5],
      [0.5, 1],
    ]);
    console.log(`N = 2: singular values ${r.singularValues.map((s) => s.toExponential(4)).join(', ')}, rank ${r.rank}/${r.unknowns}`);
    expect(r.unknowns).toBe(1);
    expect(r.rank).toBe(1);
    expect(r.identified).toBe(true);
    expect(r.jacobian[0][0]).toBeCloseTo(2 * 0.5 * 0.5 * 0.2 * 0.3, 8); // d sigma_I^2 / d rho_12 = 2 w_1 w_2 f_1 f_2
    expect(r.message).toMatch(/rank 1 = 1 unknown/);
  });

  it('N = 3: rank 2 < 3, only 2 directions identified, no number returned', () => {
    const comps = [roughBergomiComponent(0.5, 0.2, 1.0, 0.1), roughBergomiComponent(0.3, 0.3, 1.5, 0.3), roughBergomiComponent(0.2, 0.25, 1.2, 0.15)];
    const rho = [
      [1, 0.4, 0.2],
      [0.4, 1, 0.1],
      [0.2, 0.1, 1],
    ];
    const r = fwJacobianRank(comps, rho);
    console.log(`N = 3: singular values ${r.singularValues.map((s) => s.toExponential(4)).join(', ')}, rank ${r.rank}/${r.unknowns}`);
    expect(r.unknowns).toBe(3);
    expect(r.rank).toBe(2);
    expect(r.identified).toBe(false);
    expect(r.singularValues[1]).toBeGreaterThan(1e-3 * r.singularValues[0]);
    expect(r.pairs).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    r.pairs.forEach(([i, j], k) => expect(r.jacobian[0][k]).toBeCloseTo(2 * comps[i].weight * comps[j].weight * comps[i].f0 * comps[j].f0, 8));
    expect(r.message).toMatch(/only 2 of the 3 correlation directions/);
    expect(r.message).toMatch(/refusing to return a number for the correlations/);
    expect(r).not.toHaveProperty('correlations');
    // moving the correlations along the unidentified direction leaves the index variance and skew unchanged to first order
    expect(r.unidentifiedDirections).toHaveLength(1);
    const v = r.unidentifiedDirections[0];
    for (const row of r.jacobian) expect(Math.abs(row.reduce((s, x, k) => s + x * v[k], 0))).toBeLessThan(1e-12);
  });

  it('rejects fewer than 2 components and an asymmetric matrix', () => {
    expect(vmotError(() => fwJacobianRank([roughBergomiComponent(1, 0.2, 1, 0.1)], [[1]])).field).toBe('components');
    const comps = [roughBergomiComponent(0.5, 0.2, 1.0, 0.1), roughBergomiComponent(0.5, 0.3, 1.5, 0.3)];
    expect(
      vmotError(() =>
        fwJacobianRank(comps, [
          [1, 0.5],
          [0.4, 1],
        ]),
      ).field,
    ).toBe('correlation');
  });
});

describe('fitCorrelation (Brent)', () => {
  // Gaussian (Bachelier) basket w1 X1 + w2 X2 with X_i ~ N(0, s_i^2 T): ATM call = sd / sqrt(2 pi)
  const bachelierAtm = (w1: number, w2: number, s1: number, s2: number, T: number) => (rho: number) =>
    Math.sqrt((w1 * w1 * s1 * s1 + w2 * w2 * s2 * s2 + 2 * rho * w1 * w2 * s1 * s2) * T) / Math.sqrt(2 * Math.PI);

  it('recovers a known correlation from a basket call price (increasing and decreasing in rho)', () => {
    const basket = bachelierAtm(0.6, 0.4, 20, 30, 0.5);
    for (const rho of [0.35, -0.7, 0.98]) expect(Math.abs(fitCorrelation(basket, basket(rho)) - rho)).toBeLessThan(1e-10);
    const spread = bachelierAtm(1, -1, 20, 30, 0.5); // spread call: decreasing in rho
    expect(Math.abs(fitCorrelation(spread, spread(0.6)) - 0.6)).toBeLessThan(1e-10);
  });

  it('a target outside [priceAt(lo), priceAt(hi)] is an error naming the field', () => {
    const basket = bachelierAtm(0.6, 0.4, 20, 30, 0.5);
    const e = vmotError(() => fitCorrelation(basket, basket(1) * 1.01));
    expect(e.field).toBe('target');
    expect(e.message).toMatch(/outside the model's price range/);
    expect(vmotError(() => fitCorrelation(basket, 0, { field: 'quotes.basket[0].price' })).field).toBe('quotes.basket[0].price');
  });

  it('basket quotes through impliedCorrelationFrom, with the Cramer-Rao sd of the price noise', () => {
    const [w1, w2, s1, s2, T] = [0.6, 0.4, 20, 30, 0.5];
    const basket = bachelierAtm(w1, w2, s1, s2, T);
    const fit = impliedCorrelationFrom({ kind: 'basket', price: basket(0.35), priceAt: basket, noiseSd: 0.05 });
    expect(fit.method).toBe('model fit');
    expect(fit.rho).toBeCloseTo(0.35, 10);
    // dC/drho = w1 w2 s1 s2 T / (sqrt(2 pi) sd)
    const sd = Math.sqrt((w1 * w1 * s1 * s1 + w2 * w2 * s2 * s2 + 2 * 0.35 * w1 * w2 * s1 * s2) * T);
    const dC = (w1 * w2 * s1 * s2 * T) / (Math.sqrt(2 * Math.PI) * sd);
    expect(fit.cramerRao!.sd).toBeCloseTo(0.05 / dC, 6);
  });
});
