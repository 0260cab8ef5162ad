import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import { readHedgeDoc, type HedgeDoc } from '../../src/hedge/document.js';
import { exportHedge, loadHedge } from '../../src/hedge/export.js';
import { pathSets } from '../../src/hedge/paths.js';
import type { PriceHedge } from '../../src/hedge/price-space.js';
import { stripPayoff } from '../../src/hedge/strip.js';
import { loadModelFile, modelNet } from '../../src/hedge/tfjs-files.js';
import { verifyHedge } from '../../src/hedge/verify.js';
import { stdNormalCdf } from '../../src/math/normal.js';
import { buildDual } from '../../src/models/dual.js';
import { forward } from '../../src/models/engines/reference.js';
import type { BoundSide } from '../../src/problem/formulation.js';
import { loadProblem, type Problem } from '../../src/problem/problem.js';
import { neuralSolver, type NeuralDetails } from '../../src/solvers/neural/index.js';
import type { BoundResult } from '../../src/solvers/result.js';
import { Rng } from '../../src/core/random.js';

interface Case {
  problem: Problem;
  result: BoundResult<NeuralDetails>;
  doc: HedgeDoc;
  dir: string;
  hedge: PriceHedge;
}

/** Few training steps, not polished: every assertion below is an identity that holds for any trained weights (polish: hedge-polish.test.ts). */
async function solveAndExport(file: string, side: BoundSide): Promise<Case> {
  const problem = await loadProblem(file, { steps: 30 });
  problem.training.batch = 256;
  problem.training.width = 16;
  problem.training.depth = 2;
  problem.training.evalSamples = 1 << 12;
  const result = await neuralSolver.solve(problem, side, {});
  const dir = mkdtempSync(join(tmpdir(), 'vmot-hedge-'));
  const doc = await exportHedge(dir, problem, result, { verify: { n: 1 << 11, gridPoints: 1 << 12 }, polish: false });
  return { problem, result, doc, dir, hedge: await loadHedge(join(dir, 'hedge.json')) };
}

const cases: Record<string, Case> = {};
beforeAll(async () => {
  cases.gauss = await solveAndExport('examples/gaussian-d2.json', 'upper');
  cases.basket = await solveAndExport('examples/basket-call-d2.json', 'lower');
});

describe.each(['gauss', 'basket'])('exported hedge (%s)', (name) => {
  it('costs the trained potentials: cash + E[statics] from the files on disk, by an independent quadrature', async () => {
    const { problem, result, doc, hedge } = cases[name];
    const potentials = result.details.potentials;
    // equal up to the score-table interpolation
    expect(Math.abs(doc.cost.total - potentials)).toBeLessThan(1e-5 * Math.max(1, Math.abs(potentials)));
    const N = 5000;
    let cost = doc.cash;
    for (let k = 0; k < doc.components.length; k++) {
      const c = doc.components[k];
      if (c.kind !== 'static') continue;
      const paths = new Float64Array(N * problem.T * problem.d);
      for (let j = 0; j < N; j++) paths[j * problem.T * problem.d + c.date * problem.d + c.asset] = problem.marginals[c.date][c.asset].quantile((j + 0.5) / N);
      cost += (await hedge.component(k, paths, N)).reduce((a, v) => a + v, 0) / N;
    }
    expect(Math.abs(cost - potentials)).toBeLessThan(2e-3 * Math.max(1, Math.abs(potentials)));
  });

  it('strips: pay the function at every strike, are priced as E[strip(X)], and match the integral within 0.5%', () => {
    const { problem, doc } = cases[name];
    for (const c of doc.components) {
      if (c.kind !== 'static') continue;
      const m = problem.marginals[c.date][c.asset];
      c.grid.price.forEach((x, j) => expect(stripPayoff(c.strip, x)).toBeCloseTo(c.grid.value[j], 6));
      const N = 20000;
      let e = 0;
      for (let j = 0; j < N; j++) e += stripPayoff(c.strip, m.quantile((j + 0.5) / N)) / N;
      expect(Math.abs(c.strip.price - e)).toBeLessThan(2e-3 * Math.max(1, Math.abs(e)));
      expect(Math.abs(c.strip.price / c.integral - 1)).toBeLessThan(0.005);
    }
  });

  it('round trip: tf.loadLayersModel of every exported model reproduces the trained network to 1e-5 on 10,000 inputs', async () => {
    const { result, doc, dir } = cases[name];
    const rng = new Rng('roundtrip');
    for (let k = 0; k < doc.networks.length; k++) {
      const n = 10000;
      const width = doc.networks[k].inputs;
      const x = Float32Array.from({ length: n * width }, () => 2 * rng.normal());
      const loaded = await modelNet(await loadModelFile(join(dir, doc.networks[k].model)))(x, n);
      const trained = forward(result.details.networks.weights[k], x, n);
      let worst = 0;
      for (let b = 0; b < n; b++) worst = Math.max(worst, Math.abs(loaded[b] - trained[b]));
      expect(worst).toBeLessThan(1e-5);
      expect(doc.networks[k].roundTrip).toBeLessThan(1e-5);
    }
  });

  it('pathwise: on training points the price-space portfolio is sign (shift + scale sum_k m_k net_k), and the sum of its components', async () => {
    const { problem, result, hedge } = cases[name];
    const net = result.details.networks;
    const dual = buildDual(net.kind, { marginals: problem.marginals, payoff: problem.payoff.value, hidden: net.specs[0].hidden, scaling: net.scaling, squaredPrice: problem.training.squaredPrice }, net.map);
    const n = 500;
    const { batch } = dual.sample(n, new Rng('pathwise'));
    const { d, T } = problem;
    const paths = new Float64Array(n * T * d);
    const sum = new Float64Array(n);
    net.roles.forEach((role, k) => {
      const out = forward(net.weights[k], batch.inputs[k], n);
      for (let b = 0; b < n; b++) {
        sum[b] += batch.multipliers[k] ? batch.multipliers[k]![b] * out[b] : out[b];
        const z = batch.inputs[k][b * net.specs[k].inputs];
        if (role.kind === 'phi0')
          for (let i = 0; i < d; i++) paths[b * T * d + i] = problem.marginals[0][i].quantile(net.map === 'antitone' && i === 1 ? 1 - stdNormalCdf(z) : stdNormalCdf(z));
        if (role.kind === 'phi') {
          const m = problem.marginals[role.date][role.asset];
          paths[b * T * d + role.date * d + role.asset] = m.mean + Math.sqrt(m.variance) * z;
        }
      }
    });
    const { total, parts } = await hedge.portfolio(paths, n);
    const { sign, shift, scale } = net.scaling;
    for (let b = 0; b < n; b++) {
      expect(Math.abs(total[b] - sign * (shift + scale * sum[b]))).toBeLessThan(1e-4 * scale * (1 + Math.abs(sum[b])));
      expect(total[b]).toBeCloseTo(hedge.doc.cash + parts.reduce((a, p) => a + p[b], 0), 9);
    }
  });

  it('martingale model paths: E[portfolio] = hedge cost (the holdings have zero mean)', async () => {
    const { problem, doc, hedge } = cases[name];
    const set = pathSets(problem.marginals).find((s) => s.martingale)!;
    const n = 1 << 13;
    const { total } = await hedge.portfolio(set.draw(n, new Rng('martingale')), n);
    const mean = total.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(total.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean - doc.cost.total)).toBeLessThan((4 * sd) / Math.sqrt(n));
  });

  it('shortfall report: the conservative bound closes the worst shortfall on the grid and the sampled paths, on the safe side of the cost', () => {
    const { doc } = cases[name];
    const v = doc.verification!;
    const sign = doc.side === 'upper' ? 1 : -1;
    expect(v.conservative).toBeCloseTo(doc.cost.total + sign * Math.max(v.grid!.worstShortfall, ...v.rows.map((r) => r.worstShortfall)), 9);
    expect(sign * (v.conservative - doc.cost.total)).toBeGreaterThanOrEqual(0);
    for (const r of v.rows) expect(r.worstShortfall).toBeGreaterThanOrEqual(r.meanShortfall);
  });

  it('without a grid (too many prices for the point budget) the conservative bound closes the worst sampled shortfall', async () => {
    const { problem, doc, hedge } = cases[name];
    const v = await verifyHedge(hedge, problem.marginals, problem.payoff.value, { n: 256, gridPoints: 1 });
    expect(v.grid).toBeNull();
    const worst = Math.max(...v.rows.map((r) => r.worstShortfall));
    expect(v.conservative).toBeCloseTo(doc.cost.total + (doc.side === 'upper' ? worst : -worst), 9);
  });

  it('grid shortfall: equals the worst shortfall of the full portfolio evaluated path by path on the same grid', async () => {
    const { problem, doc, hedge } = cases[name];
    const { levels: L, points, scoreRange } = doc.verification!.grid!;
    const W = problem.T * problem.d;
    expect(points).toBe(L ** W);
    const paths = new Float64Array(points * W);
    for (let p = 0; p < points; p++)
      for (let k = 0, q = p; k < W; k++, q = Math.floor(q / L))
        paths[p * W + k] = problem.marginals[Math.floor(k / problem.d)][k % problem.d].quantile(stdNormalCdf(-scoreRange + (2 * scoreRange * (q % L)) / (L - 1)));
    const { total } = await hedge.portfolio(paths, points);
    let worst = 0;
    for (let p = 0; p < points; p++) {
      const c = problem.payoff.value(paths.subarray(p * W, (p + 1) * W));
      worst = Math.max(worst, doc.side === 'upper' ? c - total[p] : total[p] - c);
    }
    expect(doc.verification!.grid!.worstShortfall).toBeCloseTo(worst, 6);
  });
});

describe('hedge.json validation', () => {
  it('names the bad field', () => {
    const { dir } = cases.gauss;
    const doc = JSON.parse(readFileSync(join(dir, 'hedge.json'), 'utf8'));
    doc.components[0].factor = 'x';
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    expect(() => readHedgeDoc(bad)).toThrow(VmotError);
    expect(() => readHedgeDoc(bad)).toThrow(/components\[0\]\.factor/);
  });
});
