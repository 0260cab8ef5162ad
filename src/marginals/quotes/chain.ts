import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { VmotError } from '../../core/errors.js';

/** One option type's quotes: strikes and one price column per expiry (undefined = no quote). */
export interface PriceTable {
  file: string;
  strikes: number[];
  columns: Record<string, (number | undefined)[]>;
}

/** The calls and puts of one expiry on a common strike list. */
export interface ExpiryQuotes {
  /** The selected column names (calls, puts). */
  expiry: { calls: string; puts: string };
  strikes: number[];
  calls: (number | undefined)[];
  puts: (number | undefined)[];
}

function toNumber(v: unknown, file: string, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) throw new VmotError(`${where} is not a number: ${JSON.stringify(v)}`, file);
  return n;
}

/** Most strikes accepted per file (the cleaning QP and the density LP grow with them). */
const MAX_STRIKES = 5000;

/** Builds a table from records {strike, <column>: price, ...} (the rows of a CSV file or a JSON array). */
function tableFromRecords(records: Record<string, unknown>[], file: string): PriceTable {
  if (records.length < 2) throw new VmotError('needs a header and at least 2 strikes', file);
  if (records.length > MAX_STRIKES) throw new VmotError(`has ${records.length} strikes; at most ${MAX_STRIKES}`, file);
  const names = Object.keys(records[0]);
  const strikeKey = names.find((n) => n.trim().toLowerCase() === 'strike');
  if (!strikeKey) throw new VmotError(`has no "strike" column (columns: ${names.join(', ')})`, file);
  const priceKeys = names.filter((n) => n !== strikeKey);
  if (priceKeys.length === 0) throw new VmotError('has no price column besides "strike"', file);
  const strikes: number[] = [];
  const columns: PriceTable['columns'] = Object.fromEntries(priceKeys.map((k) => [k.trim(), []]));
  records.forEach((r, i) => {
    const k = toNumber(r[strikeKey], file, `row ${i + 1} strike`);
    if (k === undefined || k <= 0) throw new VmotError(`row ${i + 1}: strike must be a positive number`, file);
    if (strikes.length > 0 && k <= strikes[strikes.length - 1]) throw new VmotError(`row ${i + 1}: strikes must increase (${k} after ${strikes[strikes.length - 1]})`, file);
    strikes.push(k);
    for (const p of priceKeys) {
      const v = toNumber(r[p], file, `row ${i + 1} column "${p.trim()}"`);
      if (v !== undefined && v < 0) throw new VmotError(`row ${i + 1} column "${p.trim()}": negative price ${v}`, file);
      columns[p.trim()].push(v);
    }
  });
  return { file, strikes, columns };
}

/**
 * Reads a price table: CSV with a header `strike,<expiry 1>,<expiry 2>,...` (the format of
 * shared/data/market/amzn-aapl), or JSON: an array of records `[{"strike": 50, "<expiry 1>": 42.7, ...}, ...]`.
 */
export function readPriceTable(file: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new VmotError('cannot read the file', file);
  }
  return parsePriceTable(text, file);
}

/** Parses a price table's text; `file` names it in errors and, by its extension, picks JSON (.json) or CSV. */
export function parsePriceTable(text: string, file: string, format: 'csv' | 'json' = extname(file).toLowerCase() === '.json' ? 'json' : 'csv'): PriceTable {
  let records: unknown;
  try {
    records = format === 'json' ? JSON.parse(text) : parse(text, { columns: true, skip_empty_lines: true, trim: true, comment: '#' });
  } catch (e) {
    throw new VmotError(`is not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`, file);
  }
  if (!Array.isArray(records) || !records.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw new VmotError('must be an array of records {"strike": ..., "<expiry>": price}', file);
  }
  return tableFromRecords(records as Record<string, unknown>[], file);
}

/** The column named `column` exactly, else the only column whose name contains it (e.g. "period 1"). */
export function findColumn(table: PriceTable, column: string, field: string): string {
  const names = Object.keys(table.columns);
  if (names.includes(column)) return column;
  const hits = names.filter((n) => n.toLowerCase().includes(column.toLowerCase()));
  if (hits.length === 1) return hits[0];
  const why = hits.length === 0 ? 'matches no column' : `is ambiguous (${hits.join(', ')})`;
  throw new VmotError(`"${column}" ${why} of ${table.file}; columns: ${names.join(', ')}`, field);
}

/** Calls and puts of one expiry on the union of their strikes. */
export function selectExpiry(calls: PriceTable, puts: PriceTable, column: string, field = 'column'): ExpiryQuotes {
  const cc = findColumn(calls, column, field);
  const pc = findColumn(puts, column, field);
  const strikes = [...new Set([...calls.strikes, ...puts.strikes])].sort((a, b) => a - b);
  const at = (t: PriceTable, c: string) => strikes.map((k) => {
    const i = t.strikes.indexOf(k);
    return i < 0 ? undefined : t.columns[c][i];
  });
  return { expiry: { calls: cc, puts: pc }, strikes, calls: at(calls, cc), puts: at(puts, pc) };
}
