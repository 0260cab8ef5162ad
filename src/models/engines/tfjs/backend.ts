import '@tensorflow/tfjs-backend-wasm';
import * as tf from './tf.js';

let chosen: Promise<string> | undefined;

/**
 * Picks the TF.js backend once per process: "tensorflow" when the optional peer @tensorflow/tfjs-node is installed
 * and loads, else "wasm"; resolves when it is ready, with its name.
 */
export function tfBackend(): Promise<string> {
  chosen ??= (async () => {
    try {
      const mod = '@tensorflow/tfjs-node';
      await import(mod);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // tfjs-node is optional; fall through to wasm
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js wasm backend failed to initialise');
    await tf.ready();
    return 'wasm';
  })();
  return chosen;
}

export { tf };
