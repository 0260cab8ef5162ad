import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The TypeScript walk-throughs of examples/walkthroughs import 'vmot' by its package name (the package's exports map,
// resolved to the built dist/), as a user's program does.
const run = (file: string) => execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const lastJson = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!);

describe('walk-throughs', () => {
  it('programmatic solve with the LP cross-check: the neural and LP bounds agree on the lognormal basket call', () => {
    const r = lastJson(run('examples/walkthroughs/programmatic-solve.ts'));
    // exact bounds 9.94149 / 2.34095 (transport bounds, attained: the assets are proportional)
    expect(Math.abs(r.upper.lp / 9.94149 - 1)).toBeLessThan(0.01);
    expect(Math.abs(r.upper.neural / r.upper.lp - 1)).toBeLessThan(0.02);
    expect(Math.abs(r.lower.neural / r.lower.lp - 1)).toBeLessThan(0.05);
    expect(r.engine).toMatch(/^wasm-(native|relaxed-simd|simd)-/);
  });
  it('quotes -> marginals -> bounds -> hedge: the exported hedge reloads and costs the bound', () => {
    const out = run('examples/walkthroughs/quotes-to-hedge.ts');
    expect(out).toMatch(/AMZN period 2: forward 94\.23\d/);
    const r = lastJson(out);
    expect(r.listed).toBe(true);
    expect(Number.isFinite(r.portfolio) && Number.isFinite(r.payoff)).toBe(true);
    // the portfolio - payoff is the hedge's margin on that path (reported, not asserted positive: the reduced form's
    // hedge is exact on its first-date curve only)
    expect(r.margin).toBeCloseTo(r.portfolio - r.payoff, 12);
  });
});
