/** Gauss-Legendre nodes and weights on [-1, 1]: Newton on the three-term Legendre recurrence (Abramowitz-Stegun 25.4.29). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/**
 * Composite Gauss-Legendre rule on [0, U]: panels grow geometrically from `first` (resolving the peak of the
 * integrand at the origin) up to `maxWidth`, then stay at that width.
 */
export function gradedGauss(U: number, first: number, maxWidth: number, order: number): { x: Float64Array; w: Float64Array } {
  const g = gaussLegendre(order);
  const x: number[] = [];
  const w: number[] = [];
  for (let a = 0; a < U; ) {
    const b = Math.min(U, a + Math.max(first, Math.min(a, maxWidth)));
    for (let i = 0; i < order; i++) {
      x.push(a + 0.5 * (b - a) * (1 + g.x[i]));
      w.push(0.5 * (b - a) * g.w[i]);
    }
    a = b;
  }
  return { x: Float64Array.from(x), w: Float64Array.from(w) };
}
