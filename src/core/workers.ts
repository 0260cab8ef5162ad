import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The file of module `name` next to `base` (an import.meta.url): the compiled `<name>.js` when it exists (dist/),
 * otherwise the `<name>.ts` source, which needs tsx (tests and scripts run from source).
 */
export function moduleFile(base: string, name: string): { path: string; compiled: boolean } {
  const js = new URL(`./${name}.js`, base);
  return existsSync(js) ? { path: fileURLToPath(js), compiled: true } : { path: fileURLToPath(new URL(`./${name}.ts`, base)), compiled: false };
}

/** A worker thread running the module `name` next to `base` (see moduleFile). */
export function moduleWorker(base: string, name: string, workerData: unknown): Worker {
  const f = moduleFile(base, name);
  if (f.compiled) return new Worker(f.path, { workerData });
  return new Worker(`import('tsx/esm/api').then((tsx) => (tsx.register(), import(${JSON.stringify(new URL(`./${name}.ts`, base).href)})))`, { eval: true, workerData });
}

/** A child process running the module `name` next to `base` (see moduleFile), with an IPC channel. */
export function moduleProcess(base: string, name: string): ChildProcess {
  const f = moduleFile(base, name);
  return fork(f.path, [], { execArgv: f.compiled ? [] : ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
