import { describe, expect, it } from 'vitest';
import { setupDual } from '../../src/models/setup.js';
import { trainBound } from '../../src/models/train.js';
import { parseProblem } from '../../src/problem/problem.js';
import { chooseFormulation } from '../../src/solvers/formulation.js';

/** A d-asset Gaussian problem (cost y_0 y_1) in the given formulation, with extra training settings. */
const gaussian = (d: number, formulation: 'full' | 'reduced', training: object = {}) =>
  parseProblem(
    {
      name: `holdings-d${d}`,
      marginals: [Array.from({ length: d }, () => ({ dist: 'normal', mean: 0, sd: 1 })), Array.from({ length: d }, () => ({ dist: 'normal', mean: 0, sd: 2 }))],
      payoff: { type: 'expression', expr: 'y[0] * y[1]' },
      formulation,
      training,
    },
    '.',
  );

/** Hidden layers of the holdings networks and of the static ones, as the dual hands them to the engine. */
async function hidden(d: number, formulation: 'full' | 'reduced', training: object = {}) {
  const p = await gaussian(d, formulation, training);
  const choice = chooseFormulation(p.formulation, 'upper', p.payoff, p.marginals, p.training.seed);
  const { dual } = setupDual(p, 'upper', choice);
  const of = (h: boolean) => [...new Set(dual.specs.filter((_, k) => (dual.roles[k].kind === 'h') === h).map((s) => s.hidden.join('x')))];
  return { holdings: of(true), statics: of(false) };
}

describe('width of the holdings networks (defaultHoldingsWidth)', () => {
  it('is the width up to d = 4 and in the reduced form, half of it for the full form from d = 5', async () => {
    expect(await hidden(4, 'full')).toEqual({ holdings: ['64x64x64'], statics: ['64x64x64'] });
    expect(await hidden(5, 'reduced')).toEqual({ holdings: ['64x64x64'], statics: ['64x64x64'] });
    expect(await hidden(5, 'full')).toEqual({ holdings: ['32x32x32'], statics: ['64x64x64'] });
    expect(await hidden(5, 'full', { width: 40, depth: 2 })).toEqual({ holdings: ['20x20'], statics: ['40x40'] });
  });
  it('training.holdingsWidth sets it in any form, and a bad value is refused naming the field', async () => {
    expect(await hidden(2, 'full', { holdingsWidth: 48 })).toEqual({ holdings: ['48x48x48'], statics: ['64x64x64'] });
    expect(await hidden(6, 'full', { holdingsWidth: 64 })).toEqual({ holdings: ['64x64x64'], statics: ['64x64x64'] });
    await expect(gaussian(2, 'full', { holdingsWidth: 0 })).rejects.toThrow(/training\.holdingsWidth/);
    await expect(gaussian(2, 'full', { holdingsWidth: 2000 })).rejects.toThrow(/training\.holdingsWidth.*at most 1024/);
  });
});

describe('default batch (defaultBatch)', () => {
  /** The batch a trained bound reports it used (2 steps: only the resolved schedule is looked at). */
  async function batchOf(d: number, formulation: 'full' | 'reduced', training: object = {}) {
    const p = await gaussian(d, formulation, { steps: 2, evalSamples: 1024, ...training });
    const choice = chooseFormulation(p.formulation, 'upper', p.payoff, p.marginals, p.training.seed);
    return (await trainBound(p, 'upper', choice)).batch;
  }
  it('is 16384, and 8192 for the full form below d = 5; training.batch overrides it', async () => {
    expect(await batchOf(4, 'full')).toBe(8192);
    expect(await batchOf(5, 'full')).toBe(16384);
    expect(await batchOf(2, 'reduced')).toBe(16384);
    expect(await batchOf(5, 'full', { batch: 512 })).toBe(512);
  }, 120_000);
});
