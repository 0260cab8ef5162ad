import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SHARED = new URL('../../../shared/data/reference/', import.meta.url);
const LOCAL = new URL('../fixtures/reference/', import.meta.url);

describe('reference fixtures', () => {
  // the copies let the suite run from a clone anywhere; where the shared originals exist, they must match them
  for (const name of ['gaussian-table2.json', 'rough-heston-quantlib.json'])
    it.skipIf(!existsSync(new URL(name, SHARED)))(`${name} equals the shared original`, () => {
      expect(JSON.parse(readFileSync(new URL(name, LOCAL), 'utf8'))).toEqual(JSON.parse(readFileSync(new URL(name, SHARED), 'utf8')));
    });
});
