import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { VmotError } from '../core/errors.js';
import type { EarlierCalls } from './rough-heston.js';

/** What the marginals of one problem share while they are built; make a new one per problem (newMarginalContext). */
export interface MarginalContext {
  /** Folder that relative file names in the spec are resolved against (the problem file's folder). */
  baseDir: string;
  /** Rough Heston call functions built so far, per parameter set (convex order across dates by construction). */
  roughHeston: Map<string, EarlierCalls>;
  /** Reads a data file relative to baseDir, recording its SHA-256 in `inputs`; a failure names `field`. */
  readText(file: string, field: string): { path: string; text: string };
  /** Every data file read (absolute path -> SHA-256): part of the problem's fingerprint. */
  inputs: Map<string, string>;
}

/**
 * A context for the marginals of one problem. Data files are read from `baseDir` and below only, unless
 * `allowFilesOutside` (a problem file from elsewhere must not read the rest of the machine).
 */
export function newMarginalContext(baseDir: string, opts: { allowFilesOutside?: boolean } = {}): MarginalContext {
  const inputs = new Map<string, string>();
  const readText = (file: string, field: string) => {
    const path = resolve(baseDir, file);
    const rel = relative(resolve(baseDir), path);
    if (!opts.allowFilesOutside && (rel.startsWith('..') || isAbsolute(rel)))
      throw new VmotError(`${JSON.stringify(file)} is outside the problem file's folder ${resolve(baseDir)}; pass --allow-files-outside (allowFilesOutside) to read it`, field);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new VmotError(`cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, field);
    }
    inputs.set(path, createHash('sha256').update(text).digest('hex'));
    return { path, text };
  };
  return { baseDir, roughHeston: new Map(), readText, inputs };
}

