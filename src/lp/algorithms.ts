/**
 * How a grid's LP is solved: "columns", column generation with the simplex method from the coarser grid's support
 * (src/lp/columns.ts); "ipx", HiGHS' interior-point solver on every column (src/lp/run.ts).
 */
export const LP_ALGORITHMS = ['columns', 'ipx'] as const;
export type LpAlgorithm = (typeof LP_ALGORITHMS)[number];
