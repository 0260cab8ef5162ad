import { dirname, join } from 'node:path';
import { writeJsonAtomic } from '../core/files.js';
import { Rng } from '../core/random.js';
import type { NetWeights } from '../models/engines/contract.js';
import { forward } from '../models/engines/reference.js';
import { tfBackend } from '../models/engines/tfjs/backend.js';
import type { Problem } from '../problem/problem.js';
import type { NeuralDetails } from '../solvers/neural/index.js';
import type { Provenance } from '../solvers/provenance.js';
import type { BoundResult, SolveReport } from '../solvers/result.js';
import { buildHedge, networkId } from './build.js';
import { readHedgeDoc, type HedgeDoc, type PolishRecord } from './document.js';
import { polishHedge, type PolishOptions } from './polish.js';
import { PriceHedge } from './price-space.js';
import { loadModelFile, modelNet, saveModelFiles, type NetFn } from './tfjs-files.js';
import { verifyHedge, type VerifyOptions } from './verify.js';

export interface ExportOptions {
  verify?: VerifyOptions;
  /** The pathwise polish of the output layers (default on); false keeps the trained networks as they are. */
  polish?: PolishOptions | false;
}

/** The trained result with the polished output layers (networks by id). */
function withWeights(r: BoundResult<NeuralDetails>, weights: Map<string, NetWeights>): BoundResult<NeuralDetails> {
  const networks = r.details.networks;
  return { ...r, details: { ...r.details, networks: { ...networks, weights: networks.roles.map((role) => weights.get(networkId(role))!) } } };
}

/**
 * Builds, polishes (polish.ts), verifies and writes the hedge of one bound: DIR/hedge.json and
 * DIR/models/<network>/{model.json,weights.bin}.
 */
export async function exportHedge(dir: string, problem: Problem, r: BoundResult<NeuralDetails>, opts: ExportOptions = {}, provenance?: Provenance): Promise<HedgeDoc> {
  let built = await buildHedge(problem, r);
  let polish: PolishRecord | null = null;
  if (opts.polish !== false) {
    const trained = new Map(r.details.networks.roles.map((role, k) => [networkId(role), r.details.networks.weights[k]]));
    const polished = await polishHedge(built.hedge, trained, problem.marginals, problem.payoff.value, opts.polish);
    polish = polished.report;
    built.models.forEach((m) => m.dispose());
    r = withWeights(r, polished.weights);
    built = await buildHedge(problem, r);
  }
  const { doc, hedge, models } = built;
  doc.polish = polish;
  // the TF.js backend that wrote and re-read the models: tensorflow (the optional @tensorflow/tfjs-node) or wasm
  const tfjsBackend = await tfBackend();
  if (provenance) doc.provenance = { ...provenance, tfjsBackend };
  try {
    doc.verification = await verifyHedge(hedge, problem.marginals, problem.payoff.value, opts.verify);
    for (const [k, n] of doc.networks.entries()) {
      await saveModelFiles(models.get(n.id)!, join(dir, n.model));
      n.roundTrip = await roundTrip(join(dir, n.model), r.details.networks.weights[k], n.inputs, new Rng(`roundtrip/${n.id}`));
    }
  } finally {
    models.forEach((m) => m.dispose());
  }
  writeJsonAtomic(join(dir, 'hedge.json'), doc);
  return doc;
}

/** Max |loaded model - trained network| (plain forward pass) on 10,000 inputs with N(0, 4) coordinates. */
async function roundTrip(modelJson: string, weights: NetWeights, width: number, rng: Rng): Promise<number> {
  const n = 10000;
  const x = Float32Array.from({ length: n * width }, () => 2 * rng.normal());
  const model = await loadModelFile(modelJson);
  const loaded = await modelNet(model)(x, n);
  model.dispose();
  const trained = forward(weights, x, n);
  return loaded.reduce((worst, v, b) => Math.max(worst, Math.abs(v - trained[b])), 0);
}

/** `vmot bounds --hedge DIR`: one export per solved bound, in DIR/<side>/. */
export async function exportReport(dir: string, problem: Problem, report: SolveReport<NeuralDetails>, opts: ExportOptions = {}): Promise<HedgeDoc[]> {
  const docs: HedgeDoc[] = [];
  for (const r of [report.upper, report.lower]) if (r) docs.push(await exportHedge(join(dir, r.side), problem, r, opts, report.provenance));
  return docs;
}

/** Reads hedge.json and its TF.js models (tf.loadLayersModel through a file handler). */
export async function loadHedge(file: string): Promise<PriceHedge> {
  await tfBackend();
  const doc = readHedgeDoc(file);
  const nets = new Map<string, NetFn>();
  for (const n of doc.networks) nets.set(n.id, modelNet(await loadModelFile(join(dirname(file), n.model))));
  return new PriceHedge(doc, nets);
}
