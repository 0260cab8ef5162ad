import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../core/random.js';
import { allocateOutput, planSimulation, simulateChunks } from './mc.js';
import type { McWorkerData } from './mcThreads.js';
import { normalize } from './params.js';

/** Worker thread of simulateRoughHestonThreads: simulates its chunks of paths into the shared buffer. */
const { assets, opts, buffer, c0, c1 } = workerData as McWorkerData;
const models = assets.map((a) => ({ model: normalize(a.params), spot: a.spot }));
const plan = planSimulation(models, opts);
simulateChunks(models, plan, allocateOutput(buffer, opts.dates.length, assets.length, opts.paths), c0, c1, new Rng(opts.seed));
parentPort!.postMessage('done');
