import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';

/** Standard normal quantile, distribution function and density (stdlib). */
export const stdNormalQuantile = (u: number): number => normalQuantile(u, 0, 1);
export const stdNormalCdf = (x: number): number => normalCdf(x, 0, 1);
export const stdNormalPdf = (x: number): number => normalPdf(x, 0, 1);
