import { hostname } from 'node:os';
import { Queue, Worker, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { VmotError } from '../core/errors.js';
import { moduleFile } from '../core/workers.js';
import type { BookJob } from './jobs.js';
import type { JobRecord } from './record.js';
import { readRecord } from './store.js';

/** The one queue of vmot jobs: any worker takes any book's jobs (each job carries all it needs). */
export const QUEUE = 'vmot-book';

/** A job that fails for another reason than bad input (a lost machine, a full disk) is tried this often, with backoff. */
const JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 5_000 },
  // completed and failed jobs are kept (a week), so enqueueing the book again adds nothing and status can report them
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** BullMQ connection options of a redis:// URL; anything else is refused naming the option. */
export function connection(url: string, field = '--queue'): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VmotError(`must be a redis://host:port URL, got "${url}"`, field);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new VmotError(`must be a redis:// or rediss:// URL, got "${url}"`, field);
  // workers block on Redis: ioredis must retry forever (BullMQ requires maxRetriesPerRequest null)
  return { url, maxRetriesPerRequest: null };
}

/** Fails fast with a clear error when Redis is not reachable (instead of ioredis retrying forever). */
export async function checkReachable(url: string): Promise<void> {
  connection(url);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  client.on('error', () => undefined);
  const pong = await client
    .connect()
    .then(() => client.ping())
    .catch(() => undefined);
  client.disconnect();
  if (pong !== 'PONG') throw new VmotError(`no Redis answers at ${url} (start redis-server, or check the address)`, '--queue');
}

export function openQueue(url: string): Queue {
  return new Queue(QUEUE, { connection: connection(url) });
}

/**
 * Enqueues the jobs (job id = the job's content hash: a job already in the queue, waiting, running, finished or failed,
 * is not added again); jobs that failed before for another reason than bad input are retried. Jobs finished in the
 * store are not enqueued. Returns how many were added or retried.
 */
export async function enqueue(q: Queue, jobs: BookJob[], store: string): Promise<{ added: number; retried: number; finished: number }> {
  let finished = 0;
  let retried = 0;
  const todo: BookJob[] = [];
  for (const j of jobs) {
    if (readRecord(store, j.id)?.status === 'done') finished += 1;
    else if (!todo.some((x) => x.id === j.id)) todo.push(j);
  }
  const before = new Set<string>();
  for (const j of todo) {
    const existing = await q.getJob(j.id);
    if (!existing) continue;
    before.add(j.id);
    if ((await existing.getState()) === 'failed' && existing.failedReason && !readRecord(store, j.id)) {
      await existing.retry('failed');
      retried += 1;
    }
  }
  await q.addBulk(todo.filter((j) => !before.has(j.id)).map((j) => ({ name: j.label, data: j, opts: { ...JOB_OPTIONS, jobId: j.id } })));
  return { added: todo.length - before.size, retried, finished };
}

export type JobState = JobRecord['status'];

/** Each job's state: done or failed from the store (the job's record), running or waiting from the queue. */
export async function jobStates(q: Queue, jobs: BookJob[], store: string): Promise<{ state: JobState; record?: JobRecord; reason?: string; progress?: number }[]> {
  return Promise.all(
    jobs.map(async (j) => {
      const record = readRecord(store, j.id);
      if (record?.status === 'done') return { state: 'done' as const, record };
      const job = await q.getJob(j.id);
      const s = job ? await job.getState() : 'unknown';
      if (s === 'failed') return { state: 'failed' as const, record, reason: job?.failedReason };
      if (s === 'active') {
        const p = job?.progress as { step?: number; steps?: number } | undefined;
        return { state: 'running' as const, progress: p?.step && p.steps ? p.step / p.steps : 0 };
      }
      return { state: 'waiting' as const };
    }),
  );
}

export interface WorkerOptions {
  store: string;
  concurrency: number;
  checkpointSeconds?: number;
  /** Seconds a job's lock lasts without renewal: a worker silent this long has lost its job to the others (stalled-job recovery). */
  lockSeconds: number;
}

/**
 * A BullMQ worker on the vmot queue with the sandboxed processor (src/book/processor.ts). The lock is renewed by this
 * process every lockSeconds / 2 while the child computes; if this process dies the lock expires and the stalled-job
 * check (every lockSeconds) gives the job to another worker, which resumes from the last checkpoint in the shared
 * store. A stall is not a failure: a job may stall several times (maxStalledCount) before it is failed.
 */
export function startWorker(url: string, o: WorkerOptions): Worker {
  process.env.VMOT_STORE = o.store;
  process.env.VMOT_WORKER = `${hostname()}:${process.pid}`;
  if (o.checkpointSeconds !== undefined) process.env.VMOT_CHECKPOINT_SECONDS = String(o.checkpointSeconds);
  const lockDuration = Math.round(o.lockSeconds * 1000);
  return new Worker(QUEUE, moduleFile(import.meta.url, 'processor').path, {
    connection: connection(url),
    concurrency: o.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 10,
  });
}
