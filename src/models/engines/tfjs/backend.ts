import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let chosen: Promise<string> | undefined;

/** Picks the TF.js backend once: tensorflow (optional @tensorflow/tfjs-node) when it loads, else wasm. */
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
