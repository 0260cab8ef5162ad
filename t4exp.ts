import { parseProblem } from './src/problem/problem.js';
for (const raw of [{ marginals: [[{ dist: 'normal', mean: 0, sd: 1 }], [{ dist: 'normal', mean: 0, sd: 2 }]], payoff: { type: 'quadratic', date: 1, matrix: [[1]] }, extra3: 1 }, { marginals: [[{ dist: 'normal', mean: 0, sd: 1, x: 2 }], [{ dist: 'normal', mean: 0, sd: 2 }]], payoff: { type: 'quadratic', date: 1, matrix: [[1]] }}, 5, null, [], { marginals: 'x' }])
  console.log(await parseProblem(raw, '.').then(() => 'ok', (e) => e.message));
