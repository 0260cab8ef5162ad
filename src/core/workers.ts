import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` next to `base` (an import.meta.url): the compiled `<name>.js` when it
 * exists (dist/), otherwise the `<name>.ts` source through tsx (tests and scripts run from source).
 */
export function moduleWorker(base: string, name: string, workerData: unknown): Worker {
  const js = new URL(`./${name}.js`, base);
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = new URL(`./${name}.ts`, base).href;
  return new Worker(`import('tsx/esm/api').then((tsx) => (tsx.register(), import(${JSON.stringify(ts)})))`, { eval: true, workerData });
}
