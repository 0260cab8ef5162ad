import { stdNormalCdf } from '../math/normal.js';
import type { Marginal } from '../marginals/types.js';
import { sd } from '../marginals/types.js';
import type { NetRole } from '../models/dual.js';
import { tfBackend, type tf } from '../models/engines/tfjs/backend.js';
import type { Problem } from '../problem/problem.js';
import type { NeuralDetails } from '../solvers/neural/index.js';
import type { BoundResult } from '../solvers/result.js';
import type { Component, HedgeDoc, NetInput, ScoreTable } from './document.js';
import { PriceHedge } from './price-space.js';
import { quantileMidpoints } from './quadrature.js';
import { evenPrices, priceStrip, projectOnStrikes, strikeGrid } from './strip.js';
import { denseModel, modelNet, type NetFn } from './tfjs-files.js';

const SCORE_LIMIT = 8;
const SCORE_KNOTS = 1025;
const HOLDING_GRID = 41;

export interface BuiltHedge {
  doc: HedgeDoc;
  hedge: PriceHedge;
  /** TF.js layers model of every network, by network id. */
  models: Map<string, tf.LayersModel>;
}

export const networkId = (r: NetRole): string => (r.kind === 'phi0' ? 'phi0' : `${r.kind}-${r.date}-${r.asset}`);

/** Price -> Phi^-1(F(x)) (or Phi^-1(1 - F(x)) when flipped) at quantile levels Phi(z), z in [-8, 8]; tied prices keep the mean score. */
export function scoreTable(m: Marginal, asset: number, flip: boolean): ScoreTable {
  const price: number[] = [];
  const score: number[] = [];
  let count = 0;
  for (let j = 0; j < SCORE_KNOTS; j++) {
    const z = -SCORE_LIMIT + (2 * SCORE_LIMIT * j) / (SCORE_KNOTS - 1);
    const x = m.quantile(stdNormalCdf(z));
    const sz = flip ? -z : z;
    if (price.length > 0 && x === price[price.length - 1]) {
      count += 1;
      score[score.length - 1] += (sz - score[score.length - 1]) / count;
    } else if (Number.isFinite(x)) {
      price.push(x);
      score.push(sz);
      count = 1;
    }
  }
  return { asset, flip, price, score };
}

/**
 * The price-space hedge of one solved bound: the potentials of the dual (2.8)-(2.9) (reduced form (4.5)-(4.6)) as
 * static vanilla payoffs and dynamic holdings. Engine units -> prices: the engine fits
 * sum_k m_k net_k >= (sign c - shift) / scale, so portfolio = sign (shift + scale sum_k m_k net_k):
 * cash = sign shift, static factor sign scale, holding factor sign scale / sd of the later marginal
 * (the training multiplier is the increment over that sd). Reduced form: phi~(u) is split in d equal
 * shares phi~(score_i(x_i)) / d, and h~_i(u) reads u from the mean normal score of the first-date
 * prices; both agree with the trained dual on the first-date curve u -> (F_i^-1(u)).
 */
export async function buildHedge(problem: Problem, r: BoundResult<NeuralDetails>): Promise<BuiltHedge> {
  await tfBackend();
  const { T, d, marginals } = problem;
  const net = r.details.networks;
  const { sign, shift, scale } = net.scaling;
  const reduced = net.kind === 'reduced';
  const scores = reduced ? marginals[0].map((m, a) => scoreTable(m, a, net.map === 'antitone' && a === 1)) : [];
  const price = (date: number, asset: number, type: 'price' | 'square' = 'price'): NetInput => ({ type, date, asset, mean: marginals[date][asset].mean, sd: sd(marginals[date][asset]) });
  const allAssets = Array.from({ length: d }, (_, i) => i);

  const components: Component[] = [];
  const placeholderStatic = { integral: 0, grid: { price: [], value: [] }, strip: { pivot: 0, forwardPrice: 0, cash: 0, forward: 0, calls: [], puts: [], price: 0, quoted: null, listed: false } };
  net.roles.forEach((role, k) => {
    const network = networkId(role);
    if (role.kind === 'phi0')
      for (const a of allAssets)
        components.push({ id: `phi-0-${a}`, kind: 'static', date: 0, asset: a, network, inputs: [{ type: 'score', assets: [a] }], factor: (sign * scale) / d, ...placeholderStatic });
    else if (role.kind === 'phi') {
      // two inputs: the network was trained with training.squaredPrice
      const inputs = [price(role.date, role.asset), ...(net.specs[k].inputs === 2 ? [price(role.date, role.asset, 'square')] : [])];
      components.push({ id: network, kind: 'static', date: role.date, asset: role.asset, network, inputs, factor: sign * scale, ...placeholderStatic });
    } else {
      const inputs: NetInput[] = reduced ? [{ type: 'score', assets: allAssets }] : [];
      for (let t = reduced ? 1 : 0; t <= role.date; t++) for (const i of allAssets) inputs.push(price(t, i));
      components.push({ id: network, kind: 'holding', date: role.date, asset: role.asset, network, inputs, factor: (sign * scale) / sd(marginals[role.date + 1][role.asset]), grid: null });
    }
  });

  const models = new Map<string, tf.LayersModel>();
  const nets = new Map<string, NetFn>();
  net.roles.forEach((role, k) => {
    const model = denseModel(net.weights[k]);
    models.set(networkId(role), model);
    nets.set(networkId(role), modelNet(model));
  });
  const doc: HedgeDoc = {
    schema: 'vmot-hedge/1',
    problem: problem.name,
    side: r.side,
    T,
    d,
    payoff: problem.payoff.spec,
    formulation: net.kind,
    map: net.map ?? null,
    bound: { value: r.value, error: r.error },
    cash: sign * shift,
    cost: { total: 0, strips: 0, quoted: null },
    scores,
    networks: net.roles.map((role, k) => ({ id: networkId(role), model: `models/${networkId(role)}/model.json`, inputs: net.specs[k].inputs, roundTrip: NaN })),
    components,
    verification: null,
  };
  const hedge = new PriceHedge(doc, nets);

  const width = T * d;
  const at = (coords: { date: number; asset: number }[], rows: number[][]) => {
    const paths = new Float64Array(rows.length * width);
    rows.forEach((row, b) => coords.forEach((c, j) => (paths[b * width + c.date * d + c.asset] = row[j])));
    return paths;
  };
  let total = doc.cash;
  let strips = doc.cash;
  let quoted = doc.cash;
  for (let k = 0; k < components.length; k++) {
    const c = components[k];
    const m = marginals[c.date][c.asset];
    const coord = [{ date: c.date, asset: c.asset }];
    if (c.kind === 'static') {
      const u = Array.from(quantileMidpoints(m), (x) => [x]);
      const q = await hedge.component(k, at(coord, u), u.length);
      c.integral = q.reduce((s, v) => s + v, 0) / q.length;
      const { strikes, listed } = strikeGrid(m);
      const values = Array.from(await hedge.component(k, at(coord, strikes.map((x) => [x])), strikes.length));
      c.grid = { price: strikes, value: values };
      c.strip = priceStrip(m, strikes, listed ? projectOnStrikes(strikes, u.map((r) => r[0]), q) : values, listed);
      total += c.integral;
      strips += c.strip.price;
      quoted += c.strip.quoted ?? c.strip.price;
    } else if ((c.date + 1) * d <= 2) {
      const coords = Array.from({ length: (c.date + 1) * d }, (_, j) => ({ date: Math.floor(j / d), asset: j % d }));
      const axes = coords.map((cc) => ({ ...cc, price: evenPrices(marginals[cc.date][cc.asset], HOLDING_GRID, 1e-3) }));
      const rows = axes.length === 1 ? axes[0].price.map((x) => [x]) : axes[0].price.flatMap((x) => axes[1].price.map((y) => [x, y]));
      c.grid = { axes, value: Array.from(await hedge.component(k, at(coords, rows), rows.length)) };
    }
  }
  doc.cost = { total, strips, quoted: components.some((c) => c.kind === 'static' && c.strip.quoted !== null) ? quoted : null };
  return { doc, hedge, models };
}
