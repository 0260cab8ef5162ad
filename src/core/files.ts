import { accessSync, constants, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VmotError } from './errors.js';

/**
 * Reads and parses a JSON file; a missing file or bad JSON becomes one VmotError that says what the file is
 * (`what`, e.g. "problem file") and why, naming `field` when the file name came from one.
 */
export function readJsonFile(file: string, what: string, field?: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new VmotError(`cannot read ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, field);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VmotError(`${what} ${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, field);
  }
}

/** The parsed JSON file, or undefined when it is missing or unreadable (for optional state such as checkpoints). */
export function readJsonIfPresent(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Makes sure `dir` is a folder this process can write (creating it), before any work starts; otherwise a VmotError naming `field`. */
export function writableFolder(dir: string, field: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new VmotError(`${dir} is not a folder vmot can write to (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, field);
  }
}

/** Writes atomically (temp file + rename), so an interrupt never leaves a half-written file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}
