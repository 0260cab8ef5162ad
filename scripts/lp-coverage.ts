// Coverage of the LP's discretization error estimate (src/lp/error.ts): on problems whose VMOT value is known (closed
// form, or a far finer grid), does value +- reported error contain it? Prints one row per case, formulation, side and
// grid, and the coverage. Usage: npx tsx scripts/lp-coverage.ts [--quick] [--auto] [--target 0.005] [--json out.json]
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { Rng } from '../src/core/random.js';
import { couplingValue } from '../src/problem/couplings.js';
import { parseProblem } from '../src/problem/problem.js';
import { lpSolver } from '../src/solvers/lp/index.js';
import { gaussianQuadraticExact } from '../src/solvers/references.js';

const normal = (sd: number, mean = 0) => ({ dist: 'normal', mean, sd });
const uniform = (low: number, high: number) => ({ dist: 'uniform', low, high });
const lognormal = (forward: number, sigma: number) => ({ dist: 'lognormal', forward, sigma });
const basketCall = (date: number, strike: number) => ({ type: 'basket-call', date, weights: [0.5, 0.5], strike });

/**
 * Empirical laws of a martingale with proportional assets: Z (n symmetric samples) and V = Z +- E (2n samples), so Z <=c V;
 * asset i is a_i Z at date 0 and a_i V at date 1.
 */
function empiricalPair(n: number, a: number[]) {
  const rng = new Rng('lp-coverage/empirical');
  const z = Array.from({ length: n / 2 }, () => rng.normal()).flatMap((x) => [x, -x]);
  const v = z.flatMap((x) => {
    const e = 0.8 * Math.abs(rng.normal());
    return [x + e, x - e];
  });
  return [a.map((ai) => ({ dist: 'empirical', samples: z.map((x) => 10 + ai * x) })), a.map((ai) => ({ dist: 'empirical', samples: v.map((x) => 10 + ai * x) }))];
}

interface Case {
  name: string;
  spec: Record<string, unknown>;
  /** How the exact values are known. */
  source: 'Proposition 4.1' | 'transport bounds (attained: proportional assets)' | 'fine grid (reduced, 64 atoms)';
  forms: ('full' | 'reduced' | 'auto')[];
  /** Grids tested (atoms per marginal) per formulation; "default" is the LP's default grid. */
  grids: Record<string, (number | 'default')[]>;
}

// Every case has a martingale coupling that attains the transport bound (assets proportional: x_i = a_i Z, y_i = a_i W)
// unless its source is Proposition 4.1 (Table-2 Gaussian, where the martingale constraints bind).
const CASES: Case[] = [
  {
    name: 'Table-2 Gaussian d = 2, w1 w2 y1 y2',
    spec: { marginals: [[normal(1.5488135039273248), normal(1.7151893663724196)], [normal(2.6027633760716437), normal(2.5448831829968969)]], payoff: { type: 'quadratic', date: 1, matrix: [[0, 0.22352713784627523], [0, 0]] } },
    source: 'Proposition 4.1',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 'default'], full: [8, 'default'] },
  },
  {
    name: 'uniform basket call, strike 10.2',
    spec: { marginals: [[uniform(9, 11), uniform(8.5, 11.5)], [uniform(8, 12), uniform(7, 13)]], payoff: basketCall(1, 10.2) },
    source: 'transport bounds (attained: proportional assets)',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 26, 'default'], full: [8, 'default'] },
  },
  {
    name: 'lognormal basket call ATM (examples/basket-call-d2)',
    spec: { marginals: [[lognormal(100, 0.1414), lognormal(100, 0.2121)], [lognormal(100, 0.2), lognormal(100, 0.3)]], payoff: basketCall(1, 100) },
    source: 'transport bounds (attained: proportional assets)',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 26, 'default'], full: [8, 'default'] },
  },
  {
    name: 'Gaussian basket call, strike 0.3',
    spec: { marginals: [[normal(1), normal(1.5)], [normal(2), normal(3)]], payoff: basketCall(1, 0.3) },
    source: 'transport bounds (attained: proportional assets)',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 26, 'default'], full: [8, 'default'] },
  },
  {
    // the martingale constraints bind (the first-date sd ratio 0.90 differs from the last-date 1.02): no closed form
    name: 'Table-2 Gaussian basket call, strike 0.3',
    spec: { marginals: [[normal(1.5488135039273248), normal(1.7151893663724196)], [normal(2.6027633760716437), normal(2.5448831829968969)]], payoff: basketCall(1, 0.3) },
    source: 'fine grid (reduced, 64 atoms)',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 26, 'default'], full: [8, 'default'] },
  },
  {
    name: 'empirical (400 / 800 samples) basket call, strike 10.1',
    spec: { marginals: empiricalPair(400, [1, 1.5]), payoff: basketCall(1, 10.1) },
    source: 'transport bounds (attained: proportional assets)',
    forms: ['reduced', 'full'],
    grids: { reduced: [12, 20, 'default'], full: [8, 'default'] },
  },
  {
    name: 'Gaussian T = 3, y1 y2 at the last date',
    spec: { marginals: [[normal(1), normal(1.2)], [normal(1.5), normal(1.6)], [normal(2), normal(2.3)]], payoff: { type: 'quadratic', date: 2, matrix: [[0, 1], [0, 0]] } },
    source: 'Proposition 4.1',
    forms: ['full'],
    grids: { full: ['default', 8] },
  },
  {
    name: 'lognormal T = 3 basket call ATM',
    spec: { marginals: [[lognormal(100, 0.1), lognormal(100, 0.15)], [lognormal(100, 0.15), lognormal(100, 0.225)], [lognormal(100, 0.2), lognormal(100, 0.3)]], payoff: basketCall(2, 100) },
    source: 'transport bounds (attained: proportional assets)',
    forms: ['full'],
    grids: { full: ['default', 8] },
  },
];

/** The exact values (with 0 uncertainty), or the fine-grid reference: the reduced LP at 64 atoms, +- its change from 45 atoms. */
async function exactValues(c: Case): Promise<Record<'upper' | 'lower', { value: number; uncertainty: number }>> {
  const p = await parseProblem({ name: c.name, ...c.spec }, '.');
  const exact = (value: number) => ({ value, uncertainty: 0 });
  if (c.source === 'Proposition 4.1') {
    const e = gaussianQuadraticExact(p)!;
    return { upper: exact(e.upper!), lower: exact(e.lower!) };
  }
  if (c.source.startsWith('transport')) return { upper: exact(couplingValue(p, 'comonotone')!), lower: exact(couplingValue(p, 'antitone')!) };
  const fine = async (side: 'upper' | 'lower') => {
    const [a, b] = await Promise.all([45, 64].map((atoms) => lpSolver.solve(p, side, { options: { atoms, errorEstimate: false } })));
    return { value: b.value, uncertainty: Math.abs(b.value - a.value) };
  };
  return { upper: await fine('upper'), lower: await fine('lower') };
}

const o = new Command()
  .option('--quick', 'the default grids only')
  .option('--auto', 'also --atoms auto on every case and formulation')
  .option('--target <relative>', "auto's target error, relative", '0.005')
  .option('--json <file>', 'also write the rows as JSON')
  .parse()
  .opts();
const rows = [];
console.log('case                                          form     side   atoms  LP value     error       reference    +-         |LP-ref|    covered  seconds');
for (const c of CASES) {
  const exact = await exactValues(c);
  for (const form of c.forms) {
    const p = await parseProblem({ name: c.name, formulation: form, ...c.spec }, '.');
    const grids = [...new Set(o.quick ? ['default' as const] : c.grids[form])];
    for (const grid of o.auto ? [...grids, 'auto' as const] : grids)
      for (const side of ['upper', 'lower'] as const) {
        const r = await lpSolver.solve(p, side, { options: grid === 'default' ? {} : grid === 'auto' ? { atoms: grid, target: Number(o.target) } : { atoms: grid } });
        const ref = exact[side];
        const miss = Math.abs(r.value - ref.value);
        // a fine-grid reference is itself uncertain: covered when the two error bars overlap
        const covered = miss <= r.error + ref.uncertainty;
        const atoms = `${grid === 'auto' ? 'auto ' : ''}${r.details.atoms[0][0]}`;
        rows.push({ case: c.name, source: c.source, form, side, atoms, value: r.value, error: r.error, reference: ref.value, uncertainty: ref.uncertainty, covered, seconds: r.seconds, stoppedBy: r.details.stoppedBy });
        console.log(
          `${c.name.slice(0, 45).padEnd(45)} ${form.padEnd(8)} ${side.padEnd(6)} ${atoms.padStart(7)}  ${r.value.toPrecision(7).padEnd(11)}  ${r.error.toExponential(2).padEnd(10)}  ${ref.value.toPrecision(7).padEnd(11)}  ${ref.uncertainty ? ref.uncertainty.toExponential(1) : 'exact  '}   ${miss.toExponential(2).padEnd(10)}  ${covered ? 'yes' : 'NO '}      ${r.seconds.toFixed(1)}`,
        );
      }
  }
}
console.log('references: Proposition 4.1 for the Gaussian quadratic costs; the transport bounds where the assets are proportional (a martingale coupling attains them); the reduced LP at 64 atoms +- its change from 45 atoms otherwise');
const covered = rows.filter((r) => r.covered).length;
console.log(`coverage: ${covered} / ${rows.length} (${((100 * covered) / rows.length).toFixed(0)}%)`);
if (o.json) writeFileSync(o.json, JSON.stringify(rows, null, 2));
