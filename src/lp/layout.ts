import { VmotError } from '../core/errors.js';
import type { FormulationKind } from '../problem/formulation.js';
import type { Atoms } from './discretize.js';

/**
 * Index arithmetic of the discrete VMOT LP. A column is a path of states (k_0, ..., k_{T-1}) in
 * mixed radix; the state at date t is a multi-index over the assets' atoms (full form), except
 * date 0 of the reduced form (4.3), whose state is one quantile bin u carrying the comonotone
 * (or, for d = 2, antitone) atoms (F_i^-1 on bin u) of every asset.
 */
export interface Layout {
  kind: FormulationKind;
  T: number;
  d: number;
  /** radix[t][i]: atoms of asset i at date t; reduced date 0 has one digit (the bin). */
  radix: number[][];
  /** States per date, and the number of paths (columns). */
  states: number[];
  numCols: number;
  /** paths through one prefix state: after[t] = prod_{t' > t} states[t']. */
  after: number[];
}

/** Largest column count the LP builder accepts (32-bit HiGHS indices for the matrix entries). */
const MAX_ENTRIES = 2 ** 31 - 1;

export function makeLayout(kind: FormulationKind, atoms: Atoms[][]): Layout {
  const T = atoms.length;
  const d = atoms[0].length;
  const radix = atoms.map((row, t) => (kind === 'reduced' && t === 0 ? [row[0].x.length] : row.map((a) => a.x.length)));
  const states = radix.map((r) => r.reduce((p, n) => p * n, 1));
  const after = states.map((_, t) => states.slice(t + 1).reduce((p, n) => p * n, 1));
  const numCols = states[0] * after[0];
  const entries = numCols * entriesPerColumn({ kind, T, d });
  if (!(entries <= MAX_ENTRIES))
    throw new VmotError(`the LP would have ${numCols.toExponential(2)} columns and ${entries.toExponential(2)} matrix entries (limit ${MAX_ENTRIES}); use fewer atoms`, 'atoms');
  return { kind, T, d, radix, states, numCols, after };
}

/** Marginal rows (d per date; one at reduced date 0) plus martingale rows (d per transition). */
export const entriesPerColumn = (l: Pick<Layout, 'kind' | 'T' | 'd'>): number => l.T * l.d - (l.kind === 'reduced' ? l.d - 1 : 0) + (l.T - 1) * l.d;

/** Atom index of every (date, asset) of column j, written to idx[t * d + i]. */
export function decodePath(l: Layout, j: number, idx: Int32Array): void {
  let rest = j;
  for (let t = l.T - 1; t >= 0; t--) {
    let state = rest % l.states[t];
    rest = (rest - state) / l.states[t];
    if (l.radix[t].length === 1 && l.d > 1) {
      for (let i = 0; i < l.d; i++) idx[t * l.d + i] = state;
      continue;
    }
    for (let i = l.d - 1; i >= 0; i--) {
      const n = l.radix[t][i];
      idx[t * l.d + i] = state % n;
      state = (state - (state % n)) / n;
    }
  }
}

/** Column of the full-form path whose atom index at (date t, asset i) is idx[t * d + i] (the inverse of decodePath). */
export function encodePath(l: Layout, idx: ArrayLike<number>): number {
  let j = 0;
  for (let t = 0; t < l.T; t++) {
    let state = 0;
    for (let i = 0; i < l.d; i++) state = state * l.radix[t][i] + idx[t * l.d + i];
    j = j * l.states[t] + state;
  }
  return j;
}

/** Prices of a decoded path: s[t * d + i] = atom of asset i at date t (antitone map flips asset 1 at reduced date 0). */
export function pathPrices(l: Layout, atoms: Atoms[][], idx: Int32Array, s: Float64Array, antitone: boolean): void {
  for (let t = 0; t < l.T; t++)
    for (let i = 0; i < l.d; i++) {
      const a = atoms[t][i];
      let k = idx[t * l.d + i];
      if (antitone && t === 0 && i === 1) k = a.x.length - 1 - k;
      s[t * l.d + i] = a.x[k];
    }
}
