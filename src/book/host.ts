import { Interrupted } from '../core/errors.js';
import { newMarginalCache } from '../problem/problem.js';
import { childStopFlag } from './childStop.js';
import type { BookJob } from './jobs.js';
import { runJob } from './run.js';

/** Parent -> host: run this job. */
export interface HostRequest {
  job: BookJob;
  store: string;
  worker: string;
  checkpointSeconds?: number;
}

/** Host -> parent: progress of the running job, its record, or why it did not finish. */
export type HostReply =
  | { kind: 'progress'; id: string; step: number; steps: number }
  | { kind: 'done'; record: import('./record.js').JobRecord }
  | { kind: 'interrupted'; id: string; step: number }
  | { kind: 'error'; id: string; message: string };

// A process of the embedded pool (src/book/pool.ts): runs the jobs it is sent one at a time, with the book's marginals
// built once per process. SIGINT / SIGTERM (or the parent going away) stop the running job at its next step, with its
// checkpoint saved.
const cache = newMarginalCache();
const stop = childStopFlag(60_000);
const send = (m: HostReply) => process.connected && process.send!(m);

process.on('message', (m: HostRequest) => {
  runJob(m.job, m.store, {
    cache,
    worker: m.worker,
    stop,
    checkpointSeconds: m.checkpointSeconds,
    onProgress: (p) => send({ kind: 'progress', id: m.job.id, step: p.step, steps: p.steps }),
  })
    .then((record) => send({ kind: 'done', record }))
    .catch((e: unknown) => {
      if (e instanceof Interrupted) send({ kind: 'interrupted', id: m.job.id, step: e.step });
      else send({ kind: 'error', id: m.job.id, message: e instanceof Error ? e.message : String(e) });
    });
});
