import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { CheckFailed, Interrupted } from '../core/errors.js';
import { writableFolder } from '../core/files.js';
import { lockFolder } from '../core/lock.js';
import type { StopFlag } from '../core/progress.js';
import { newMarginalCache } from '../problem/problem.js';
import { expandBook, type BookJob } from '../book/jobs.js';
import { pendingRecord, type JobRecord } from '../book/record.js';
import { loadBook, type Book } from '../book/spec.js';
import { monotoneChecks, summarize, summaryText, writeSummary, type BookSummary } from '../book/summary.js';
import { intArg, positiveArg } from './args.js';
import { EXIT } from './exit.js';
import { progressReporter } from './progress.js';

interface BookOptions {
  threadsPerJob?: number;
  queue?: string;
  store?: string;
  out?: string;
  concurrency?: number;
  checkpointSeconds?: number;
  json?: boolean;
  quiet?: boolean;
  wait: boolean;
  allowFilesOutside?: boolean;
}

const folders = (book: Book, o: BookOptions) => {
  const out = o.out ?? join('runs', book.name);
  return { out, store: resolve(o.store ?? join(out, 'store')) };
};

async function expand(file: string, o: BookOptions) {
  const book = loadBook(file);
  const cache = newMarginalCache();
  const jobs = await expandBook(book, cache, { allowFilesOutside: o.allowFilesOutside });
  return { book, cache, jobs, ...folders(book, o) };
}

/**
 * Threads of each job's training engine (VMOT_THREADS, inherited by the job processes): as given, else the cores
 * shared among the jobs that run at once. Results do not depend on it (fixed chunks), only the speed.
 */
function threadsPerJob(given: number | undefined, concurrency: number): void {
  process.env.VMOT_THREADS = String(given ?? Math.max(1, Math.floor(availableParallelism() / concurrency)));
}

/** Stops the job on SIGINT / SIGTERM (the running jobs save their checkpoints); returns the flag and how to detach. */
function stopOnSignals(): { stop: StopFlag & { signal?: NodeJS.Signals }; detach: () => void } {
  const stop: StopFlag & { signal?: NodeJS.Signals } = { requested: false };
  const on = (signal: NodeJS.Signals) => Object.assign(stop, { requested: true, signal });
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { stop, detach: () => (process.off('SIGINT', on), process.off('SIGTERM', on)) };
}

/** Writes book.json, book.csv and book.html, prints the summary; a failed or unreliable row, or a failed check, exits 3. */
async function finish(book: Book, jobs: BookJob[], rows: JobRecord[], cache: ReturnType<typeof newMarginalCache>, out: string, mode: string, t0: number, o: BookOptions) {
  const monotone = await monotoneChecks(book, jobs, rows, cache);
  const s: BookSummary = summarize(book, rows, monotone, mode, (performance.now() - t0) / 1000);
  const files = writeSummary(out, s);
  const { writeBookReport } = await import('../book/report.js');
  const report = writeBookReport(out, s);
  process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${summaryText(s)}files: ${[...files, report.html].join(', ')}\n`);
  const bad = [s.failed > 0 && `${s.failed} failed`, s.unreliable > 0 && `${s.unreliable} unreliable`, monotone.some((m) => !m.ok) && 'a monotonicity check failed'].filter(Boolean);
  if (bad.length > 0) throw new CheckFailed(`book ${book.name}: ${bad.join(', ')} (see above)`);
}

async function runLocal(file: string, o: BookOptions) {
  const t0 = performance.now();
  const { book, cache, jobs, out, store } = await expand(file, o);
  writableFolder(out, '--out');
  writableFolder(store, '--store');
  const release = await lockFolder(store, (m) => process.stderr.write(`vmot: note: ${m}\n`));
  const { runEmbedded } = await import('../book/pool.js');
  const progress = progressReporter(o.quiet || o.json);
  const { stop, detach } = stopOnSignals();
  const concurrency = o.concurrency ?? availableParallelism();
  threadsPerJob(o.threadsPerJob, concurrency);
  let rows: JobRecord[];
  try {
    rows = await runEmbedded(jobs, store, {
      concurrency,
      checkpointSeconds: o.checkpointSeconds,
      stop,
      onUpdate: (u) => progress.update(`book ${book.name}`, Math.round(u.fraction * 100) / 100, u.total, `${u.done} done, ${u.running} running, ${u.failed} failed of ${u.total}`),
    });
  } catch (e) {
    progress.stop();
    if (!(e instanceof Interrupted)) throw e;
    process.stderr.write(`vmot: interrupted (${stop.signal ?? 'SIGINT'}); finished jobs and checkpoints are in ${store}; run the same command again to resume\n`);
    await release();
    process.exit(stop.signal === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint);
  } finally {
    detach();
  }
  progress.stop();
  await release();
  await finish(book, jobs, rows, cache, out, `embedded, ${Math.min(concurrency, jobs.length)} processes`, t0, o);
}

async function runQueued(file: string, o: BookOptions & { queue: string }) {
  const t0 = performance.now();
  const { book, cache, jobs, out, store } = await expand(file, o);
  writableFolder(out, '--out');
  writableFolder(store, '--store');
  const { openQueue, enqueue, checkReachable } = await import('../book/queue.js');
  await checkReachable(o.queue);
  const q = openQueue(o.queue);
  try {
    const n = await enqueue(q, jobs, store);
    process.stderr.write(`vmot: book ${book.name}: ${n.added} jobs enqueued, ${n.retried} failed ones retried, ${n.finished} already finished in ${store}; workers: vmot worker --queue ${o.queue} --store ${store}\n`);
    if (!o.wait) return;
    const rows = await watch(q, book, jobs, store, o);
    await finish(book, jobs, rows, cache, out, `queue ${o.queue}`, t0, o);
  } finally {
    await q.close();
  }
}

/** Polls the queue and the store until every job is done or failed, with a progress bar; Ctrl-C stops watching only. */
async function watch(q: import('bullmq').Queue, book: Book, jobs: BookJob[], store: string, o: BookOptions): Promise<JobRecord[]> {
  const { jobStates } = await import('../book/queue.js');
  const progress = progressReporter(o.quiet || o.json);
  const { stop, detach } = stopOnSignals();
  try {
    for (;;) {
      const states = await jobStates(q, jobs, store);
      const count = (s: string) => states.filter((x) => x.state === s).length;
      const fraction = states.reduce((a, x) => a + (x.state === 'done' || x.state === 'failed' ? 1 : (x.progress ?? 0)), 0);
      progress.update(`book ${book.name}`, Math.round(fraction * 100) / 100, jobs.length, `${count('done')} done, ${count('running')} running, ${count('failed')} failed, ${count('waiting')} waiting`);
      if (count('done') + count('failed') === jobs.length)
        return states.map((x, k) => (x.state === 'done' ? { ...x.record!, index: k, label: jobs[k].label } : { ...(x.record ?? pendingRecord(jobs[k], 'failed')), status: 'failed', message: x.record?.message ?? x.reason }));
      if (stop.requested) {
        process.stderr.write('\nvmot: stopped watching; the jobs stay queued and the workers go on (vmot book status to follow them)\n');
        process.exit(EXIT.sigint);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    progress.stop();
    detach();
  }
}

async function status(file: string, o: BookOptions) {
  const { book, jobs, store } = await expand(file, o);
  let rows: { state: string; record?: JobRecord; progress?: number }[];
  if (o.queue) {
    const { openQueue, jobStates, checkReachable } = await import('../book/queue.js');
    await checkReachable(o.queue);
    const q = openQueue(o.queue);
    try {
      rows = await jobStates(q, jobs, store);
    } finally {
      await q.close();
    }
  } else {
    const { readRecord } = await import('../book/store.js');
    rows = jobs.map((j) => {
      const record = readRecord(store, j.id);
      return { state: record?.status ?? 'waiting', record };
    });
  }
  const count = (s: string) => rows.filter((x) => x.state === s).length;
  const seconds = rows.flatMap((x) => (x.state === 'done' && x.record?.seconds ? [x.record.seconds] : []));
  const left = rows.reduce((a, x) => a + (x.state === 'waiting' ? 1 : x.state === 'running' ? 1 - (x.progress ?? 0) : 0), 0);
  const mean = seconds.length > 0 ? seconds.reduce((a, b) => a + b, 0) / seconds.length : undefined;
  const running = Math.max(1, count('running'));
  const eta = mean === undefined ? 'unknown until a job finishes' : `about ${Math.ceil((left * mean) / running)} s at ${running} job(s) at once`;
  const s = { book: book.name, jobs: jobs.length, done: count('done'), running: count('running'), failed: count('failed'), waiting: count('waiting'), eta, store };
  process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `book ${s.book}: ${s.done} done, ${s.running} running, ${s.failed} failed, ${s.waiting} waiting of ${s.jobs}; ETA ${eta} (store ${store})\n`);
}

const common = (c: Command) =>
  c
    .option('--queue <url>', 'redis://host:port of a BullMQ queue: jobs go there for `vmot worker` processes (default: run here)')
    .option('--store <dir>', 'folder for every job\'s checkpoints and result, shared by all workers (default <out>/store)')
    .option('--out <dir>', 'folder for book.json, book.csv and book.html (default runs/<book name>)')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--allow-files-outside', "let the book's problem read data files outside its own folder");

export function bookCommand(): Command {
  const cmd = new Command('book').description('bounds of a book of payoffs on shared marginals: one job per (payoff, side, solver), here or on BullMQ workers');
  cmd.addCommand(
    common(new Command('run'))
      .description('run (or enqueue) every job of the book file, skip finished ones, resume interrupted ones; write the summary and report')
      .argument('<book>', 'book file (JSON)')
      .option('--concurrency <n>', 'embedded: jobs at once, one process each (default: the cores)', intArg('--concurrency'))
      .option('--checkpoint-seconds <s>', 'embedded: seconds between training checkpoints (default 10)', positiveArg('--checkpoint-seconds'))
      .option('--threads-per-job <n>', 'embedded: training threads of each job (default: the cores over --concurrency)', intArg('--threads-per-job'))
      .option('--no-wait', 'with --queue: enqueue and return (vmot book status follows the jobs)')
      .option('--quiet', 'no progress output')
      .action((file: string, o: BookOptions) => (o.queue ? runQueued(file, o as BookOptions & { queue: string }) : runLocal(file, o))),
  );
  cmd.addCommand(
    common(new Command('status'))
      .description('how many jobs of the book are done, running, failed and waiting, with an ETA')
      .argument('<book>', 'book file (JSON)')
      .action((file: string, o: BookOptions) => status(file, o)),
  );
  return cmd;
}

interface WorkerCliOptions {
  threadsPerJob?: number;
  queue: string;
  store: string;
  concurrency: number;
  lockSeconds: number;
  checkpointSeconds?: number;
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('take jobs of any book from a BullMQ queue until stopped (SIGINT / SIGTERM: finish or checkpoint the running jobs, then exit)')
    .requiredOption('--queue <url>', 'redis://host:port of the queue')
    .requiredOption('--store <dir>', 'the books\' shared store folder (the same folder as `vmot book run --store`)')
    .option('--concurrency <n>', 'jobs at once, one child process each', intArg('--concurrency'), 1)
    .option('--lock-seconds <s>', 'a job whose worker is silent this long goes to another worker, which resumes from its checkpoint', positiveArg('--lock-seconds'), 30)
    .option('--checkpoint-seconds <s>', 'seconds between training checkpoints (default 10)', positiveArg('--checkpoint-seconds'))
    .option('--threads-per-job <n>', 'training threads of each job (default: the cores over --concurrency)', intArg('--threads-per-job'))
    .action(async (o: WorkerCliOptions) => {
      writableFolder(o.store, '--store');
      threadsPerJob(o.threadsPerJob, o.concurrency);
      const { checkReachable, startWorker } = await import('../book/queue.js');
      await checkReachable(o.queue);
      const worker = startWorker(o.queue, { store: resolve(o.store), concurrency: o.concurrency, lockSeconds: o.lockSeconds, checkpointSeconds: o.checkpointSeconds });
      worker.on('completed', (job) => process.stderr.write(`vmot worker: done ${job.id} ${job.name}\n`));
      worker.on('failed', (job, e) => process.stderr.write(`vmot worker: failed ${job?.id} ${job?.name}: ${e.message}\n`));
      process.stderr.write(`vmot worker: waiting for jobs on ${o.queue} (store ${resolve(o.store)}, ${o.concurrency} at once)\n`);
      await new Promise<void>((done) => {
        let signals = 0;
        const stop = () => {
          signals += 1;
          // first signal: finish the running jobs (Ctrl-C also reaches them: they checkpoint and go back to the queue); second: now
          void worker.close(signals > 1).then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
