import { describe, expect, it } from 'vitest';
import { stepwise, type Pieces } from '../../src/core/pieces.js';

function* sumOf(values: number[], seen: number[]): Pieces<number> {
  let sum = 0;
  for (const v of values) {
    sum += v;
    seen.push(v);
    yield;
  }
  return sum;
}

describe('work in pieces', () => {
  it('runs one piece per call of work, false once none is left, and result gives the return value', () => {
    const seen: number[] = [];
    const s = stepwise(sumOf([1, 2, 3], seen));
    expect(s.work()).toBe(true);
    expect(seen).toEqual([1]);
    expect([s.work(), s.work(), s.work(), s.work()]).toEqual([true, true, false, false]);
    expect(seen).toEqual([1, 2, 3]);
    expect(s.result()).toBe(6);
  });

  it('result runs the pieces left, and only those', () => {
    const seen: number[] = [];
    const s = stepwise(sumOf([4, 5, 6], seen));
    s.work();
    expect(s.result()).toBe(15);
    expect(seen).toEqual([4, 5, 6]);
    expect(s.work()).toBe(false);
  });
});
