import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { bookJsonSchema } from '../../src/book/json-schema.js';
import { loadBook } from '../../src/book/spec.js';
import { problemJsonSchema } from '../../src/problem/json-schema.js';
import { loadProblem, parseProblem } from '../../src/problem/problem.js';

const EXAMPLES = ['gaussian-d2', 'basket-call-d2', 'null-cost-d2', 'rough-heston-d2', 'amzn-aapl/portfolio-variance'].map((e) => `examples/${e}.json`);
const committed = JSON.parse(readFileSync('schema/problem.schema.json', 'utf8'));
// an independent validator (ajv, JSON Schema 2020-12) reads the shipped schema
const validate = new Ajv2020.default({ strict: false, allErrors: true }).compile(committed);

describe('the JSON Schema of the problem file', () => {
  it('is the one generated from the zod schemas (npm run schema writes it)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(problemJsonSchema())));
  });
  it.each(EXAMPLES)('accepts %s, which references it by $schema and which vmot loads', async (file) => {
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(raw.$schema).toMatch(/schema\/problem\.schema\.json$/);
    if (!file.includes('rough-heston')) await expect(loadProblem(file)).resolves.toBeTruthy();
  });
  it('rejects what vmot rejects: a misspelt field, an unknown distribution, a payoff without its strike', async () => {
    const base = JSON.parse(readFileSync('examples/basket-call-d2.json', 'utf8'));
    const bad = [
      { ...base, marginals: [[{ dist: 'normal', mean: 0, sdd: 1 }, base.marginals[0][1]], base.marginals[1]] },
      { ...base, marginals: [[{ dist: 'cauchy' }, base.marginals[0][1]], base.marginals[1]] },
      { ...base, payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5] } },
      { ...base, trainig: {} },
    ];
    for (const b of bad) {
      expect(validate(b)).toBe(false);
      await expect(parseProblem(b, 'examples')).rejects.toThrow();
    }
  });
});

describe('the JSON Schema of the book file', () => {
  const book = JSON.parse(readFileSync('schema/book.schema.json', 'utf8'));
  const validateBook = new Ajv2020.default({ strict: false, allErrors: true }).compile(book);
  it('is the one generated from the zod schemas (npm run schema writes it)', () => {
    expect(book).toEqual(JSON.parse(JSON.stringify(bookJsonSchema())));
  });
  it('accepts the shipped book, which vmot loads, and rejects a misspelt field and a payoff without its strike', () => {
    const raw = JSON.parse(readFileSync('examples/book-basket-ladder.json', 'utf8'));
    expect(validateBook(raw), JSON.stringify(validateBook.errors)).toBe(true);
    expect(loadBook('examples/book-basket-ladder.json').payoffs).toHaveLength(9);
    for (const bad of [{ ...raw, solver: ['lp'] }, { ...raw, payoffs: [{ payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5] } }] }]) expect(validateBook(bad)).toBe(false);
  });
});
