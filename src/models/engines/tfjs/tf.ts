// TF.js as Node uses it: the core ops (CommonJS build, without chained ops: write tf.reshape(x), not x.reshape())
// and the layers API for the hedge models, without the browser packages of the @tensorflow/tfjs umbrella.
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
