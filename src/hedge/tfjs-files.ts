import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readJsonFile } from '../core/files.js';
import type { NetWeights } from '../models/engines/contract.js';
import { tf, tfBackend } from '../models/engines/tfjs/backend.js';

/** A network as a function: n inputs (n x in, row-major) -> n outputs. */
export type NetFn = (inputs: Float32Array, n: number) => Promise<Float32Array>;

const PREDICT_CHUNK = 1 << 15;

/** The dense ReLU network of the engine contract as a tf.Sequential layers model with the given weights. */
export function denseModel(net: NetWeights): tf.Sequential {
  const model = tf.sequential();
  net.forEach((l, i) =>
    model.add(tf.layers.dense({ units: l.out, inputShape: i === 0 ? [l.in] : undefined, activation: i < net.length - 1 ? 'relu' : 'linear' })),
  );
  const tensors = net.flatMap((l) => [tf.tensor2d(l.w, [l.in, l.out]), tf.tensor1d(l.b)]);
  model.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
  return model;
}

/** Writes `model.json` (standard TF.js layers-model format, weights manifest -> weights.bin) and `weights.bin`. */
export async function saveModelFiles(model: tf.LayersModel, modelJson: string): Promise<void> {
  mkdirSync(dirname(modelJson), { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const data = new tf.io.CompositeArrayBuffer(art.weightData).slice();
      writeFileSync(join(dirname(modelJson), 'weights.bin'), Buffer.from(data));
      const json: tf.io.ModelJSON = {
        modelTopology: art.modelTopology as object,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs ?? [] }],
      };
      writeFileSync(modelJson, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Load handler for a model.json on disk (pure tfjs in Node has no file:// handler); weight paths are relative to it. */
export function fileHandler(modelJson: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = readJsonFile(modelJson, 'TF.js model') as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const buffers = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(modelJson), p))));
        const data = Buffer.concat(buffers);
        return [specs, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)];
      });
    },
  };
}

/** tf.loadLayersModel of a model.json on disk, once the TF.js backend is ready. */
export async function loadModelFile(modelJson: string): Promise<tf.LayersModel> {
  await tfBackend();
  return tf.loadLayersModel(fileHandler(modelJson));
}

/** A layers model as a NetFn (batched predict). */
export function modelNet(model: tf.LayersModel): NetFn {
  const width = model.inputs[0].shape[1] as number;
  return async (inputs, n) => {
    const out = new Float32Array(n);
    for (let o = 0; o < n; o += PREDICT_CHUNK) {
      const m = Math.min(PREDICT_CHUNK, n - o);
      const y = tf.tidy(() => model.predict(tf.tensor2d(inputs.subarray(o * width, (o + m) * width), [m, width])) as tf.Tensor);
      out.set(await y.data(), o);
      y.dispose();
    }
    return out;
  };
}
