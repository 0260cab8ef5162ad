import type { ChildProcess } from 'node:child_process';
import { Interrupted } from '../core/errors.js';
import { moduleProcess } from '../core/workers.js';
import type { HostReply, HostRequest } from './host.js';
import type { BookJob } from './jobs.js';
import { pendingRecord, type JobRecord } from './record.js';
import { finishedRecord } from './store.js';

export interface PoolOptions {
  /** Processes running jobs at once (default: the cores). */
  concurrency: number;
  checkpointSeconds?: number;
  /** Counts after every change, and the running jobs' fraction done (for an ETA). */
  onUpdate?: (s: { done: number; failed: number; running: number; total: number; fraction: number }) => void;
  /** Set to stop: running jobs stop at their next step with a checkpoint saved, no new job starts; the run throws Interrupted. */
  stop?: { requested: boolean };
}

/**
 * The embedded default of `vmot book run`: the book's jobs on this machine, in `concurrency` child processes
 * (src/book/host.ts) that live for the whole book, so each builds the shared marginals once; a crash takes one job.
 * Jobs already finished in the store are not run again; an interrupted one resumes from its checkpoint next time.
 */
export async function runEmbedded(jobs: BookJob[], store: string, o: PoolOptions): Promise<JobRecord[]> {
  const records = new Map<string, JobRecord>();
  for (const j of jobs) {
    const r = finishedRecord(store, j);
    if (r) records.set(j.id, r);
  }
  const queue = jobs.filter((j, k) => !records.has(j.id) && jobs.findIndex((x) => x.id === j.id) === k);
  const fractions = new Map<string, number>();
  let failed = 0;
  const update = () =>
    o.onUpdate?.({
      done: records.size - failed,
      failed,
      running: fractions.size,
      total: new Set(jobs.map((j) => j.id)).size,
      fraction: records.size + [...fractions.values()].reduce((a, b) => a + b, 0),
    });
  update();
  let interruptedAt: number | undefined;
  const hosts: ChildProcess[] = [];
  const forward = (signal: NodeJS.Signals) => hosts.forEach((h) => h.exitCode === null && h.kill(signal));
  const runOn = (host: ChildProcess, job: BookJob, worker: string) =>
    new Promise<Exclude<HostReply, { kind: 'progress' }>>((resolve) => {
      const onMessage = (m: HostReply) => {
        if (m.kind === 'progress') {
          fractions.set(job.id, m.step / m.steps);
          update();
          return;
        }
        host.off('message', onMessage);
        host.off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null, signal: string | null) => {
        host.off('message', onMessage);
        resolve({ kind: 'error', id: job.id, message: `the job's process ended (${signal ?? `exit code ${code}`})` });
      };
      host.on('message', onMessage);
      host.on('exit', onExit);
      fractions.set(job.id, 0);
      update();
      host.send({ job, store, worker, checkpointSeconds: o.checkpointSeconds } satisfies HostRequest);
    });
  const lane = async (k: number) => {
    let host: ChildProcess | undefined;
    try {
      for (let job = queue.shift(); job && !o.stop?.requested; job = queue.shift()) {
        host ??= (hosts.push(moduleProcess(import.meta.url, 'host')), hosts[hosts.length - 1]);
        const reply = await runOn(host, job, `embedded-${k + 1}`);
        fractions.delete(job.id);
        if (reply.kind === 'done') {
          records.set(job.id, reply.record);
          if (reply.record.status === 'failed') failed += 1;
        } else if (reply.kind === 'interrupted') interruptedAt = Math.max(interruptedAt ?? 0, reply.step);
        else {
          // not bad input (that is a failed record): a crash or an internal error; the job is left for a rerun
          records.set(job.id, pendingRecord(job, 'failed', reply.message));
          failed += 1;
          if (host.exitCode !== null || host.signalCode !== null) host = undefined;
        }
        update();
      }
    } finally {
      if (host && host.exitCode === null) host.disconnect();
    }
  };
  // a stop request reaches the running jobs (Ctrl-C reaches them directly too: they share the terminal's process group)
  const watch = setInterval(() => {
    if (!o.stop?.requested) return;
    forward('SIGTERM');
    clearInterval(watch);
  }, 100);
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, queue.length)) }, (_, k) => lane(k)));
  } finally {
    clearInterval(watch);
  }
  if (o.stop?.requested) throw new Interrupted(interruptedAt ?? 0);
  // the rows in book order, labelled as in this book (a job of the same content may have been run under another label)
  return jobs.map((j) => ({ ...records.get(j.id)!, index: j.index, label: j.label, entry: j.entry, vary: j.vary }));
}
