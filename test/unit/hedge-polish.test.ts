import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import type { HedgeDoc } from '../../src/hedge/document.js';
import { exportHedge, loadHedge } from '../../src/hedge/export.js';
import { gridAxes } from '../../src/hedge/grid.js';
import { pathSets } from '../../src/hedge/paths.js';
import type { PriceHedge } from '../../src/hedge/price-space.js';
import { loadModelFile } from '../../src/hedge/tfjs-files.js';
import type { BoundSide } from '../../src/problem/formulation.js';
import { loadProblem, type Problem } from '../../src/problem/problem.js';
import { neuralSolver, type NeuralDetails } from '../../src/solvers/neural/index.js';
import type { BoundResult } from '../../src/solvers/result.js';

const POOL = { gridPoints: 1 << 12, paths: 1 << 9, scoreRange: 5 };

interface Case {
  problem: Problem;
  result: BoundResult<NeuralDetails>;
  polished: { doc: HedgeDoc; dir: string; hedge: PriceHedge };
  trained: { doc: HedgeDoc; hedge: PriceHedge };
}

/** A briefly trained bound exported twice: polished on a small pool, and as trained. */
async function solveAndExport(file: string, side: BoundSide, formulation?: 'full'): Promise<Case> {
  const problem = await loadProblem(file, { steps: 30 });
  Object.assign(problem.training, { batch: 256, width: 16, depth: 2, evalSamples: 1 << 12 });
  if (formulation) problem.formulation = formulation;
  const result = await neuralSolver.solve(problem, side, {});
  const verify = { n: 1 << 10, gridPoints: 1 << 12 };
  const dir = mkdtempSync(join(tmpdir(), 'vmot-polish-'));
  const doc = await exportHedge(dir, problem, result, { verify, polish: POOL });
  const raw = mkdtempSync(join(tmpdir(), 'vmot-polish-raw-'));
  const rawDoc = await exportHedge(raw, problem, result, { verify, polish: false });
  return { problem, result, polished: { doc, dir, hedge: await loadHedge(join(dir, 'hedge.json')) }, trained: { doc: rawDoc, hedge: await loadHedge(join(raw, 'hedge.json')) } };
}

/** The polish pool rebuilt from its definition: two grids staggered by half a cell, and the seeded paths of every path set. */
function pool(problem: Problem): { paths: Float64Array; n: number } {
  const W = problem.T * problem.d;
  const parts: Float64Array[] = [];
  for (const shift of [0.5, 0]) {
    const { axes, grid } = gridAxes(problem.marginals, POOL.gridPoints, POOL.scoreRange, shift);
    const s = new Float64Array(grid.points * W);
    for (let p = 0; p < grid.points; p++) for (let k = 0, q = p; k < W; k++, q = Math.floor(q / grid.levels)) s[p * W + k] = axes[k][q % grid.levels];
    parts.push(s);
  }
  for (const set of pathSets(problem.marginals)) parts.push(set.draw(POOL.paths, new Rng(`polish/${set.name}`)));
  const paths = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    paths.set(p, o);
    o += p.length;
  }
  return { paths, n: paths.length / W };
}

/** Worst shortfall of a hedge (evaluated from its files) on the paths. */
async function worstShortfall(problem: Problem, hedge: PriceHedge, paths: Float64Array, n: number): Promise<number> {
  const W = problem.T * problem.d;
  const { total } = await hedge.portfolio(paths, n);
  let worst = 0;
  for (let p = 0; p < n; p++) {
    const c = problem.payoff.value(paths.subarray(p * W, (p + 1) * W));
    worst = Math.max(worst, hedge.doc.side === 'upper' ? c - total[p] : total[p] - c);
  }
  return worst;
}

const cases: Record<string, Case> = {};
beforeAll(async () => {
  cases['gauss reduced upper'] = await solveAndExport('examples/gaussian-d2.json', 'upper');
  cases['gauss full upper'] = await solveAndExport('examples/gaussian-d2.json', 'upper', 'full');
  cases['basket reduced lower'] = await solveAndExport('examples/basket-call-d2.json', 'lower');
}, 300_000);

describe.each(['gauss reduced upper', 'gauss full upper', 'basket reduced lower'])('pathwise polish (%s)', (name) => {
  it('the polished hedge, reloaded from its files, holds on every path of the pool; the trained one did not', async () => {
    const { problem, polished, trained } = cases[name];
    const { paths, n } = pool(problem);
    const tol = 1e-4 * (1 + Math.abs(polished.doc.cost.total));
    const before = await worstShortfall(problem, trained.hedge, paths, n);
    expect(before).toBeGreaterThan(100 * tol);
    expect(polished.doc.polish!.worstBefore).toBeCloseTo(before, 4);
    expect(await worstShortfall(problem, polished.hedge, paths, n)).toBeLessThan(tol);
    expect(polished.doc.polish!.worstAfter).toBeLessThan(tol);
  });

  it('costs what the LP says: cash + E[polished statics] by an independent quadrature', async () => {
    const { problem, polished } = cases[name];
    const { doc, hedge } = polished;
    const W = problem.T * problem.d;
    const N = 5000;
    let cost = doc.cash;
    for (let k = 0; k < doc.components.length; k++) {
      const c = doc.components[k];
      if (c.kind !== 'static') continue;
      const paths = new Float64Array(N * W);
      for (let j = 0; j < N; j++) paths[j * W + c.date * problem.d + c.asset] = problem.marginals[c.date][c.asset].quantile((j + 0.5) / N);
      cost += (await hedge.component(k, paths, N)).reduce((a, v) => a + v, 0) / N;
    }
    const scale = Math.max(1, Math.abs(cost));
    expect(Math.abs(cost - doc.polish!.costAfter)).toBeLessThan(2e-3 * scale);
    expect(Math.abs(doc.cost.total - doc.polish!.costAfter)).toBeLessThan(1e-4 * scale);
  });

  it('re-fits the output layers only: every hidden layer of every exported model is the trained one', async () => {
    const { result, polished } = cases[name];
    for (const [k, n] of polished.doc.networks.entries()) {
      const model = await loadModelFile(join(polished.dir, n.model));
      const tensors = model.getWeights();
      const trained = result.details.networks.weights[k];
      for (let l = 0; l < trained.length - 1; l++) {
        expect(Array.from(await tensors[2 * l].data())).toEqual(Array.from(trained[l].w));
        expect(Array.from(await tensors[2 * l + 1].data())).toEqual(Array.from(trained[l].b));
      }
      model.dispose();
    }
  });
});
