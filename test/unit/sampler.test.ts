import { describe, expect, it } from 'vitest';
import { buildDual } from '../../src/models/dual.js';
import { quantileLevels } from '../../src/models/sampler.js';
import { buildPayoff } from '../../src/problem/payoffs/registry.js';
import { normalMarginal } from '../../src/marginals/parametric.js';
import { Rng } from '../../src/core/random.js';

const std = normalMarginal(0, 1);

// theta of the neural dual: independent quantile levels, stratified on a grid (formulation.ts quantileLevels)

describe('stratified quantile levels', () => {
  it('each of the G cells holds n/G rows, every level lies in its cell, and the same seed gives the same levels', () => {
    const { u, index } = quantileLevels(4096, 1024, new Rng('levels'));
    expect(u.length).toBe(1024);
    const count = new Int32Array(1024);
    for (const j of index) count[j] += 1;
    expect(Math.min(...count)).toBe(4);
    expect(Math.max(...count)).toBe(4);
    u.forEach((x, j) => {
      expect(x).toBeGreaterThanOrEqual(j / 1024);
      expect(x).toBeLessThan((j + 1) / 1024);
    });
    const again = quantileLevels(4096, 1024, new Rng('levels'));
    expect(Array.from(again.index)).toEqual(Array.from(index));
    expect(Array.from(again.u)).toEqual(Array.from(u));
  });

  it('grid 0 draws n independent uniforms, one per row', () => {
    const { u, index } = quantileLevels(1000, 0, new Rng('iid'));
    expect(u.length).toBe(1000);
    expect(Array.from(index)).toEqual(Array.from({ length: 1000 }, (_, b) => b));
  });
});

describe('the dual sampler on a grid', () => {
  const sig = [1, 1.5];
  const rho = [2, 2.5];
  const marginals = [sig.map((s) => normalMarginal(0, s)), rho.map((s) => normalMarginal(0, s))];
  const dims = { T: 2, d: 2 };
  const second = buildPayoff({ type: 'expression', expr: 'y[0]^2 + 2 * y[1]^2' }, dims).value;
  const setup = { marginals, payoff: second, hidden: [8], scaling: { sign: 1 as const, shift: 0, scale: 1 }, grid: 1024 };

  for (const kind of ['reduced', 'full'] as const)
  for (const squaredPrice of [false, true])
    it(`${kind}${squaredPrice ? ', squaredPrice' : ''}: the batch's groups list exactly its static inputs (phi reads (z, (z^2 - 1) / sqrt 2) with squaredPrice), and stratification prices E[Y1^2 + 2 Y2^2] to 0.5%`, () => {
      const dual = buildDual(kind, { ...setup, squaredPrice });
      const { batch, cost } = dual.sample(4096, new Rng(`grid/${kind}`));
      expect(batch.groups).toBeDefined();
      dual.specs.forEach((spec, k) => {
        const g = batch.groups![k];
        const role = dual.roles[k];
        expect(spec.inputs).toBe(role.kind === 'phi' && squaredPrice ? 2 : role.kind === 'h' && kind === 'full' ? 2 : 1);
        expect(g === null).toBe(role.kind === 'h' && spec.inputs !== 1);
        if (g)
          for (let b = 0; b < batch.size; b++)
            for (let j = 0; j < spec.inputs; j++) expect(batch.inputs[k][b * spec.inputs + j]).toBe(g.values[g.index[b] * spec.inputs + j]);
        if (spec.inputs === 2 && role.kind === 'phi')
          for (let b = 0; b < batch.size; b++) expect(batch.inputs[k][2 * b + 1]).toBeCloseTo((batch.inputs[k][2 * b] ** 2 - 1) / Math.SQRT2, 5);
      });
      // iid sampling of 4096 rows has a relative standard error of about 2% here; the stratified grid far less
      const mean = cost.reduce((a, c) => a + c, 0) / cost.length;
      expect(Math.abs(mean / (rho[0] ** 2 + 2 * rho[1] ** 2) - 1)).toBeLessThan(0.005);
    });

  for (const grid of [1024, 0])
    it(`full form, grid ${grid}: thetaComonotone 0.5 puts half the rows on the comonotone first-date curve, the rest independent, levels uniform`, () => {
      const dual = buildDual('full', { ...setup, grid, comonotoneShare: 0.5 });
      const n = 4096;
      const { batch } = dual.sample(n, new Rng(`mix/${grid}`));
      const h = dual.roles.findIndex((r) => r.kind === 'h');
      // the holding's inputs are the standardized first-date prices z_i = Phi^-1(u_i)
      const level = (b: number, i: number) => std.cdf(batch.inputs[h][b * 2 + i]);
      const far = (b: number) => Math.abs(level(b, 0) - level(b, 1)) >= 1 / 1024 + 1e-6;
      let near = 0;
      for (let b = 0; b < n / 2; b++) expect(far(b)).toBe(false);
      for (let b = n / 2; b < n; b++) near += far(b) ? 0 : 1;
      // independent rows: |u0 - u1| < 1/1024 with probability about 2/1024
      expect(near).toBeLessThan(12);
      for (const i of [0, 1]) {
        const u = Array.from({ length: n }, (_, b) => level(b, i));
        expect(Math.abs(u.reduce((a, x) => a + x, 0) / n - 0.5)).toBeLessThan(0.015);
        expect(u.filter((x) => x < 0.25).length / n).toBeCloseTo(0.25, 1);
      }
    });

  it('T = 3, full form: the structured rows at the middle and last dates are the Gaussian optimum (increments correlated 1, or -1 when antitone); every level uniform', () => {
    const sds = [[1, 1.2], [1.5, 1.6], [2, 2.3]];
    const three = { ...setup, marginals: sds.map((row) => row.map((s) => normalMarginal(0, s))), payoff: buildPayoff({ type: 'quadratic', date: 2, matrix: [[0, 1], [0, 0]] }, { T: 3, d: 2 }).value };
    for (const antitone of [false, true]) {
      const dual = buildDual('full', { ...three, grid: 0, comonotoneShare: 0.5, antitone });
      const n = 8192;
      const { batch } = dual.sample(n, new Rng(`t3/${antitone}`));
      // the date-1 holding sees the standardized prices of dates 0 and 1: (z00, z01, z10, z11)
      const h1 = dual.roles.findIndex((r) => r.kind === 'h' && r.date === 1);
      const z = (b: number, j: number) => batch.inputs[h1][b * 4 + j];
      // and the last date's potentials their standardized price z2i
      const phi2 = [0, 1].map((i) => dual.roles.findIndex((r) => r.kind === 'phi' && r.date === 2 && r.asset === i));
      const incs = [
        (b: number, i: number) => sds[1][i] * z(b, 2 + i) - sds[0][i] * z(b, i),
        (b: number, i: number) => sds[2][i] * batch.inputs[phi2[i]][b] - sds[1][i] * z(b, 2 + i),
      ];
      for (const inc of incs) {
        const corr = (from: number, to: number) => {
          let sxy = 0, sxx = 0, syy = 0;
          for (let b = from; b < to; b++) (sxy += inc(b, 0) * inc(b, 1)), (sxx += inc(b, 0) ** 2), (syy += inc(b, 1) ** 2);
          return sxy / Math.sqrt(sxx * syy);
        };
        // float32 inputs: the increments agree to rounding, so the correlation is 1 (or -1) to 1e-4
        expect(corr(0, n / 2)).toBeCloseTo(antitone ? -1 : 1, 4);
        expect(Math.abs(corr(n / 2, n))).toBeLessThan(0.05);
      }
      for (let j = 0; j < 4; j++) {
        const u = Array.from({ length: n }, (_, b) => std.cdf(z(b, j)));
        expect(Math.abs(u.reduce((a, x) => a + x, 0) / n - 0.5)).toBeLessThan(0.015);
        expect(u.filter((x) => x < 0.25).length / n).toBeCloseTo(0.25, 1);
      }
    }
  });

  it('draws the same batch in pieces (as during an engine step) as at once, from the same seed', () => {
    const dual = buildDual('full', { ...setup, comonotoneShare: 0.5 });
    const whole = dual.sample(2048, new Rng('pieces'));
    const pieces = dual.sampling(2048, new Rng('pieces'));
    let count = 0;
    let r = pieces.next();
    for (; !r.done; r = pieces.next()) count += 1;
    // a piece per quantile variable (4), the increments, the prices (4), the columns (4), the networks (6), 2 cost blocks
    expect(count).toBe(21);
    const parts = r.value;
    expect(Array.from(parts.cost)).toEqual(Array.from(whole.cost));
    parts.batch.inputs.forEach((x, k) => expect(Array.from(x)).toEqual(Array.from(whole.batch.inputs[k])));
    parts.batch.multipliers.forEach((m, k) => expect(m && Array.from(m)).toEqual(whole.batch.multipliers[k] && Array.from(whole.batch.multipliers[k]!)));
  });

  it('without a grid the batch has no groups', () => {
    const dual = buildDual('reduced', { ...setup, grid: 0 });
    expect(dual.sample(256, new Rng('iid')).batch.groups).toBeUndefined();
  });
});
