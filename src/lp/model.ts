import type { PathFn } from '../problem/payoffs/types.js';
import type { Atoms } from './discretize.js';
import { decodePath, entriesPerColumn, pathPrices, type Layout } from './layout.js';

/** Where each constraint family sits among the LP rows. */
export interface RowMap {
  /** Marginal groups: (date, asset) pairs, asset -1 for the reduced date-0 bin group. */
  groups: { date: number; asset: number; offset: number; rows: number }[];
  /** Martingale rows of transition t -> t+1 start at martingaleOffset[t]; row = offset + prefix * d + i. */
  martingaleOffset: number[];
  /** Prefix states before transition t: prod_{t' <= t} states[t']. */
  prefixes: number[];
  numRows: number;
}

/** Sparse primal LP of the discrete VMOT problem (2.3) / reduced (4.3), in HiGHS' CSC layout. */
export interface LpData {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  rows: RowMap;
}

/**
 * Rows of the discrete VMOT: marginal rows sum_{paths with atom a at (t, i)} pi = w_{t,i,a} and martingale
 * rows sum_{paths through prefix p} pi (s_{t+1,i} - s_{t,i}) = 0 (E[S_{t+1} | S_0..S_t] = S_t).
 * Redundant rows are left out so the constraint matrix has full row rank: the last atom of every marginal
 * group but the first (total mass is fixed by the first group) and the last prefix of every transition
 * and asset (implied by the others since all dates' atoms have the same mean). Their potentials are 0.
 */
export function rowMap(l: Layout): RowMap {
  const groups: RowMap['groups'] = [];
  let offset = 0;
  for (let t = 0; t < l.T; t++)
    for (let i = 0; i < l.radix[t].length; i++) {
      const rows = l.radix[t][i] - (groups.length === 0 ? 0 : 1);
      groups.push({ date: t, asset: l.radix[t].length === 1 && l.kind === 'reduced' && t === 0 ? -1 : i, offset, rows });
      offset += rows;
    }
  const martingaleOffset: number[] = [];
  const prefixes: number[] = [];
  let p = 1;
  for (let t = 0; t + 1 < l.T; t++) {
    p *= l.states[t];
    prefixes.push(p);
    martingaleOffset.push(offset);
    offset += (p - 1) * l.d;
  }
  return { groups, martingaleOffset, prefixes, numRows: offset };
}

export function buildLp(l: Layout, atoms: Atoms[][], payoff: PathFn, antitone: boolean): LpData {
  const rows = rowMap(l);
  const { numCols } = l;
  const perCol = entriesPerColumn(l);
  const starts = new Int32Array(numCols + 1);
  const indices = new Int32Array(numCols * perCol);
  const values = new Float64Array(numCols * perCol);
  const colCost = new Float64Array(numCols);
  const idx = new Int32Array(l.T * l.d);
  const s = new Float64Array(l.T * l.d);
  let nz = 0;
  for (let j = 0; j < numCols; j++) {
    decodePath(l, j, idx);
    pathPrices(l, atoms, idx, s, antitone);
    colCost[j] = payoff(s);
    let g = 0;
    for (let t = 0; t < l.T; t++)
      for (let i = 0; i < l.radix[t].length; i++, g++) {
        const grp = rows.groups[g];
        const a = idx[t * l.d + i];
        if (a < grp.rows) {
          indices[nz] = grp.offset + a;
          values[nz++] = 1;
        }
      }
    for (let t = 0; t + 1 < l.T; t++) {
      const prefix = Math.floor(j / l.after[t]);
      if (prefix === rows.prefixes[t] - 1) continue;
      for (let i = 0; i < l.d; i++) {
        const v = s[(t + 1) * l.d + i] - s[t * l.d + i];
        if (v === 0) continue;
        indices[nz] = rows.martingaleOffset[t] + prefix * l.d + i;
        values[nz++] = v;
      }
    }
    starts[j + 1] = nz;
  }
  const rowLower = new Float64Array(rows.numRows);
  for (const grp of rows.groups) {
    const a = grp.asset < 0 ? atoms[grp.date][0] : atoms[grp.date][grp.asset];
    for (let k = 0; k < grp.rows; k++) rowLower[grp.offset + k] = a.w[k];
  }
  return {
    numCols,
    numRows: rows.numRows,
    colCost,
    rowLower,
    rowUpper: rowLower.slice(),
    starts,
    indices: indices.subarray(0, nz),
    values: values.subarray(0, nz),
    rows,
  };
}
