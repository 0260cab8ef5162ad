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
import { buildHedge } from './build.js';
import { readHedgeDoc, type HedgeDoc } from './document.js';
import { PriceHedge } from './price-space.js';
import { loadModelFile, modelNet, saveModelFiles, type NetFn } from './tfjs-files.js';
import { verifyHedge, type VerifyOptions } from './verify.js';

/** Builds, verifies and writes the hedge of one bound: DIR/hedge.json and DIR/models/<network>/{model.json,weights.bin}. */
export async function exportHedge(dir: string, problem: Problem, r: BoundResult<NeuralDetails>, verify: VerifyOptions = {}, provenance?: Provenance): Promise<HedgeDoc> {
  const { doc, hedge, models } = await buildHedge(problem, r);
  // the TF.js backend that wrote and re-read the models: tensorflow (the optional @tensorflow/tfjs-node) or wasm
  const tfjsBackend = await tfBackend();
  if (provenance) doc.provenance = { ...provenance, tfjsBackend };
  try {
    doc.verification = await verifyHedge(hedge, problem.marginals, problem.payoff.value, verify);
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
export async function exportReport(dir: string, problem: Problem, report: SolveReport<NeuralDetails>, verify: VerifyOptions = {}): Promise<HedgeDoc[]> {
  const docs: HedgeDoc[] = [];
  for (const r of [report.upper, report.lower]) if (r) docs.push(await exportHedge(join(dir, r.side), problem, r, verify, report.provenance));
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
