import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { Rng } from '../core/random.js';
import { writeJsonAtomic } from '../core/files.js';
import { parseProblem, type MarginalCache } from '../problem/problem.js';
import type { BookJob } from './jobs.js';
import type { JobRecord } from './record.js';
import type { Book } from './spec.js';

/** How the bounds of a payoff family must move along its varied field, and whether they do. */
export interface MonotoneCheck {
  entry: number;
  field: string;
  side: string;
  solver: string;
  /** The payoffs are ordered pathwise along the field (on every probed path), so every bound must move the same way. */
  direction: 'increasing' | 'decreasing';
  ok: boolean;
  message: string;
}

export interface BookSummary {
  book: string;
  jobs: number;
  done: number;
  failed: number;
  /** Finished bounds that failed a check (UNRELIABLE), outside their transport bounds included. */
  unreliable: number;
  rows: JobRecord[];
  monotone: MonotoneCheck[];
  mode: string;
  seconds: number;
}

const PATHS = 2000;

/**
 * Whether the payoffs of a family (in the order of their values) are ordered pathwise: compared on PATHS paths drawn
 * from the product of the marginals (seeded) and on the comonotone quantile paths. Undefined when they are not ordered.
 */
async function familyDirection(jobs: BookJob[], cache: MarginalCache): Promise<'increasing' | 'decreasing' | undefined> {
  const problems = await Promise.all(jobs.map((j) => parseProblem(structuredClone(j.problem), j.baseDir, { allowFilesOutside: j.allowFilesOutside, marginalCache: cache })));
  const { T, d, marginals } = problems[0];
  const rng = new Rng('book/monotone');
  let up = true;
  let down = true;
  const s = new Float64Array(T * d);
  for (let k = 0; k < PATHS + 99; k++) {
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) s[t * d + i] = marginals[t][i].quantile(k < 99 ? (k + 1) / 100 : rng.uniform());
    const v = problems.map((p) => p.payoff.value(s));
    for (let m = 0; m + 1 < v.length; m++) {
      const tol = 1e-12 * Math.max(1, Math.abs(v[m]), Math.abs(v[m + 1]));
      if (v[m + 1] < v[m] - tol) up = false;
      if (v[m + 1] > v[m] + tol) down = false;
    }
    if (!up && !down) return undefined;
  }
  return up ? 'increasing' : down ? 'decreasing' : undefined;
}

/**
 * For every family of payoffs ordered pathwise along its numeric field, the bounds of each (side, solver) must be
 * ordered the same way (a dominated payoff has dominated bounds): exactly for a solver exact on its grid (to 1e-7 of
 * the values' scale), within the two error bars otherwise.
 */
export async function monotoneChecks(book: Book, jobs: BookJob[], rows: JobRecord[], cache: MarginalCache): Promise<MonotoneCheck[]> {
  const out: MonotoneCheck[] = [];
  const entries = [...new Set(jobs.filter((j) => j.vary && typeof j.vary.value === 'number').map((j) => j.entry))];
  const byValue = (a: BookJob, b: BookJob) => (a.vary!.value as number) - (b.vary!.value as number);
  for (const entry of entries) {
    // the payoffs' order is the same for every side and solver: probed once per family
    const first = jobs.filter((j) => j.entry === entry && j.side === book.sides[0] && j.solver === book.solvers[0]).sort(byValue);
    const direction = first.length < 2 ? undefined : await familyDirection(first, cache);
    if (!direction) continue;
    for (const side of book.sides)
      for (const solver of book.solvers) {
        const members = jobs.filter((j) => j.entry === entry && j.side === side && j.solver === solver).sort(byValue);
        const r = members.map((j) => rows[j.index]);
        if (r.some((x) => x.status !== 'done')) continue;
        const field = members[0].vary!.field;
        const scale = Math.max(...r.map((x) => Math.abs(x.value!)), 1e-300);
        const bad: string[] = [];
        for (let m = 0; m + 1 < r.length; m++) {
          const step = (r[m + 1].value! - r[m].value!) * (direction === 'increasing' ? 1 : -1);
          const tol = (r[m].exactOnGrid && r[m + 1].exactOnGrid ? 0 : r[m].error! + r[m + 1].error!) + 1e-7 * scale;
          if (step < -tol) bad.push(`${field} ${members[m].vary!.value} -> ${members[m + 1].vary!.value}: ${r[m].value!.toPrecision(6)} -> ${r[m + 1].value!.toPrecision(6)}`);
        }
        out.push({
          entry,
          field,
          side,
          solver,
          direction,
          ok: bad.length === 0,
          message: bad.length === 0 ? `${solver} ${side} bounds ${direction} in ${field}, as the payoffs are` : `${solver} ${side} bounds not ${direction} in ${field}: ${bad.join('; ')}`,
        });
      }
  }
  return out;
}

export function summarize(book: Book, rows: JobRecord[], monotone: MonotoneCheck[], mode: string, seconds: number): BookSummary {
  const done = rows.filter((r) => r.status === 'done');
  return {
    book: book.name,
    jobs: rows.length,
    done: done.length,
    failed: rows.filter((r) => r.status === 'failed').length,
    unreliable: done.filter((r) => r.reliable === false).length,
    rows,
    monotone,
    mode,
    seconds,
  };
}

export const CSV_HEADERS = ['index', 'payoff', 'side', 'solver', 'status', 'value', 'error', 'reliable', 'transport_lo', 'transport_hi', 'seconds', 'attempts', 'worker', 'id', 'message'];

export function csvRow(r: JobRecord): (string | number | boolean | null)[] {
  return [r.index, r.label, r.side, r.solver, r.status, r.value, r.error, r.reliable, r.transport?.lo ?? null, r.transport?.hi ?? null, r.seconds, r.attempts, r.worker, r.id, r.message ?? null];
}

/** Writes book.json (the summary) and book.csv (one row per job) into `dir`. */
export function writeSummary(dir: string, s: BookSummary): string[] {
  const json = join(dir, 'book.json');
  const csv = join(dir, 'book.csv');
  writeJsonAtomic(json, s);
  writeFileSync(csv, stringify([CSV_HEADERS, ...s.rows.map(csvRow)], { cast: { boolean: (v) => String(v) } }));
  return [json, csv];
}

const num = (x: number | null, w = 11) => (x === null ? '-' : x.toPrecision(6)).padStart(w);

/** The summary as text: one line per job, then the checks. */
export function summaryText(s: BookSummary): string {
  const w = Math.max(6, ...s.rows.map((r) => r.label.length));
  const lines = [
    `book ${s.book}: ${s.jobs} jobs, ${s.done} done, ${s.failed} failed, ${s.unreliable} unreliable (${s.mode}, ${s.seconds.toFixed(1)} s)`,
    `${'payoff'.padEnd(w)}  side   solver  ${'value'.padStart(11)}  ${'+-'.padStart(9)}  ${'transport lo'.padStart(12)}  ${'transport hi'.padStart(12)}  status`,
  ];
  for (const r of s.rows) {
    const status = r.status !== 'done' ? `${r.status.toUpperCase()}${r.message ? `: ${r.message}` : ''}` : r.reliable === false ? 'UNRELIABLE' : 'ok';
    lines.push(
      `${r.label.padEnd(w)}  ${r.side.padEnd(5)}  ${r.solver.padEnd(6)}  ${num(r.value)}  ${(r.error === null ? '-' : r.error.toPrecision(2)).padStart(9)}  ${num(r.transport?.lo ?? null, 12)}  ${num(r.transport?.hi ?? null, 12)}  ${status}`,
    );
  }
  for (const m of s.monotone) lines.push(`${m.ok ? 'ok' : 'FAILED'}: ${m.message}`);
  return `${lines.join('\n')}\n`;
}
