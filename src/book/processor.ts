import type { SandboxedJob } from 'bullmq';
import { Interrupted, VmotError } from '../core/errors.js';
import { newMarginalCache } from '../problem/problem.js';
import { childStopFlag } from './childStop.js';
import type { BookJob } from './jobs.js';
import type { JobRecord } from './record.js';
import { runJob } from './run.js';

// BullMQ's sandboxed processor of `vmot worker` (src/book/queue.ts): a child process of the worker, so a long
// synchronous training step never starves the worker's lock renewal and a crash takes one job. It lives for many jobs
// (BullMQ keeps its children), so the book's marginals are built once per child. Its settings come from the worker's
// environment (VMOT_STORE, VMOT_WORKER, VMOT_CHECKPOINT_SECONDS).
const cache = newMarginalCache();
// when the worker dies, its job's lock expires and another worker resumes the job from the checkpoint saved here
const stop = childStopFlag(30_000);

/** A job that cannot succeed on retry (bad input): BullMQ fails it once, without further attempts (by the error's name). */
const unrecoverable = (message: string) => Object.assign(new Error(message), { name: 'UnrecoverableError' });

export default async function processBookJob(job: SandboxedJob<BookJob, JobRecord>, token?: string): Promise<JobRecord> {
  const store = process.env.VMOT_STORE;
  if (!store) throw unrecoverable('VMOT_STORE is not set: start workers with `vmot worker --store DIR`');
  const seconds = Number(process.env.VMOT_CHECKPOINT_SECONDS);
  try {
    const record = await runJob(job.data, store, {
      cache,
      worker: process.env.VMOT_WORKER ?? `pid ${process.pid}`,
      stop,
      checkpointSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : undefined,
      onProgress: (p) => void job.updateProgress({ step: p.step, steps: p.steps }),
    });
    if (record.status === 'failed') throw unrecoverable(record.message ?? 'bad input');
    return record;
  } catch (e) {
    if (e instanceof Interrupted && token) {
      // the worker is stopping: the job goes back to the queue now, its checkpoint saved, without using an attempt
      await job.moveToWait(token);
      throw Object.assign(new Error(`stopped at step ${e.step}; back in the queue`), { name: 'WaitingError' });
    }
    if (e instanceof VmotError) throw unrecoverable(e.message);
    throw e;
  }
}
