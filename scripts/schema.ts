// Writes schema/problem.schema.json, the JSON Schema of the problem file, from the zod schema of src/problem/problem.ts
// (z.toJSONSchema, input side: defaults optional). Examples reference it by "$schema" so editors validate and complete
// problem files. test/unit/schema.test.ts fails when the committed file differs from what this script writes.
// Usage: npm run schema
import { writeFileSync } from 'node:fs';
import { problemJsonSchema } from '../src/problem/json-schema.js';

const file = new URL('../schema/problem.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(problemJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
