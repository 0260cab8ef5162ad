// Writes schema/problem.schema.json and schema/book.schema.json, the JSON Schemas of the problem and book files, from
// the zod schemas of src/problem/problem.ts and src/book/spec.ts (z.toJSONSchema, input side: defaults optional).
// Examples reference them by "$schema" so editors validate and complete the files. test/unit/schema.test.ts fails when
// a committed file differs from what this script writes.
// Usage: npm run schema
import { writeFileSync } from 'node:fs';
import { bookJsonSchema } from '../src/book/json-schema.js';
import { problemJsonSchema } from '../src/problem/json-schema.js';

for (const [name, schema] of [['problem', problemJsonSchema()], ['book', bookJsonSchema()]] as const) {
  const file = new URL(`../schema/${name}.schema.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
