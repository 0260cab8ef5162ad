import { Rng } from '../core/random.js';
import type { BoundSide, FormulationChoice } from '../problem/formulation.js';
import type { Problem } from '../problem/problem.js';
import { defaultHoldingsWidth } from './defaults.js';
import { buildDual, type CostScaling, type Dual } from './dual.js';

/**
 * Builds the dual (2.8)-(2.9) or (4.5)-(4.6) and the cost scaling for one side: the lower bound maximises -c; the engine
 * sees (sign c - mean) / sd under theta, so gamma is in units of the cost's spread (Eckstein-Kupper 2021, sec. 3).
 */
export function setupDual(problem: Problem, side: BoundSide, choice: FormulationChoice): { dual: Dual; scaling: CostScaling } {
  const sign = side === 'upper' ? 1 : -1;
  const { depth, width, holdingsWidth, grid, thetaComonotone: comonotoneShare, squaredPrice } = problem.training;
  const hidden = Array(depth).fill(width);
  const holdingsHidden = Array(depth).fill(holdingsWidth ?? defaultHoldingsWidth(choice.kind, problem.d, width));
  const base = { marginals: problem.marginals, payoff: problem.payoff.value, hidden, holdingsHidden, grid, comonotoneShare, squaredPrice, antitone: choice.kind === 'full' && choice.thetaMap === 'antitone' };
  const pilot = buildDual(choice.kind, { ...base, scaling: { sign, shift: 0, scale: 1 } }, choice.map);
  const { cost } = pilot.sample(1 << 14, new Rng(`${problem.training.seed}/pilot`));
  let m = 0;
  for (const c of cost) m += c;
  m /= cost.length;
  let v = 0;
  for (const c of cost) v += (c - m) ** 2;
  const s = Math.sqrt(v / cost.length);
  const scaling: CostScaling = { sign, shift: sign * m, scale: s > 0 ? s : 1 };
  return { dual: buildDual(choice.kind, { ...base, scaling }, choice.map), scaling };
}
