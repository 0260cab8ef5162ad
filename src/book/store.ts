import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readJsonIfPresent, writeJsonAtomic } from '../core/files.js';
import type { BookJob } from './jobs.js';
import type { JobRecord } from './record.js';

/**
 * The shared store of a book (a folder every machine mounts): jobs/<id>/ holds a job's checkpoints and per-bound
 * results (the solver's workDir), owner.json (the attempt that holds it), attempts.jsonl (every attempt, appended)
 * and record.json (its summary row, written last and atomically: a job is finished when it has one with status done).
 */
export const jobDir = (store: string, id: string) => join(store, 'jobs', id);
const recordFile = (store: string, id: string) => join(jobDir(store, id), 'record.json');
const ownerFile = (store: string, id: string) => join(jobDir(store, id), 'owner.json');

/** The job's finished record, if any (a failed record is not finished: a rerun tries again). */
export function finishedRecord(store: string, job: BookJob): JobRecord | undefined {
  const r = readJsonIfPresent(recordFile(store, job.id)) as JobRecord | undefined;
  return r?.id === job.id && r.status === 'done' ? r : undefined;
}

/** The job's record whatever its status, if any. */
export function readRecord(store: string, id: string): JobRecord | undefined {
  return readJsonIfPresent(recordFile(store, id)) as JobRecord | undefined;
}

export interface Attempt {
  attempt: string;
  worker: string;
  host: string;
  pid: number;
  started: string;
}

/** Takes the job for a new attempt: owner.json names it, attempts.jsonl gets a line; an older attempt still running loses the job (claimed below). */
export function claim(store: string, id: string, worker: string): Attempt {
  mkdirSync(jobDir(store, id), { recursive: true });
  const a: Attempt = { attempt: randomUUID(), worker, host: hostname(), pid: process.pid, started: new Date().toISOString() };
  writeJsonAtomic(ownerFile(store, id), a);
  appendFileSync(join(jobDir(store, id), 'attempts.jsonl'), `${JSON.stringify(a)}\n`);
  return a;
}

/** Every attempt at the job so far, oldest first. */
export function attempts(store: string, id: string): Attempt[] {
  const f = join(jobDir(store, id), 'attempts.jsonl');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Attempt);
}

/** A worker whose job was taken over (its lock expired and another worker claimed it) must not write the record. */
export class TakenOver extends Error {
  constructor(id: string, by: Attempt | undefined) {
    super(`job ${id} was taken over by ${by ? `${by.worker} (pid ${by.pid} on ${by.host}, since ${by.started})` : 'another attempt'}; this attempt's result is discarded`);
    this.name = 'TakenOver';
  }
}

/** Writes the record atomically, only while `mine` still owns the job (the stale completion of a job taken over is refused). */
export function writeRecord(store: string, mine: Attempt, record: JobRecord): void {
  const owner = readJsonIfPresent(ownerFile(store, record.id)) as Attempt | undefined;
  if (owner?.attempt !== mine.attempt) throw new TakenOver(record.id, owner);
  writeJsonAtomic(recordFile(store, record.id), record);
}
