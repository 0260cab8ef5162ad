// Inner loops of the rough Heston pricer in f64 on this module's own memory: the fractional Adams-Moulton scheme for
// the Riccati equation (src/rough/adams.ts, [DFF02] on a graded mesh) and the Fourier sum over strikes
// (src/rough/fourier.ts, [Lew01]). Compiled code from the first call, where the same loops in JavaScript run
// unoptimized and box every number for most of a short `vmot smile` process. Every pointer is a byte offset at or
// above heapBase(); arrays are struct of arrays, equation j at offset 8 j.

/** The first byte the caller may use (the static data of Math lies below). */
export function heapBase(): usize {
  return __heap_base;
}

@inline function at(p: usize, j: i32): f64 {
  return load<f64>(p + ((<usize>j) << 3));
}

@inline function put(p: usize, j: i32, v: f64): void {
  store<f64>(p + ((<usize>j) << 3), v);
}

/**
 * One step's implicit points, j = 0..m-1: psi = Q + w1 F(psi) with Q = h + w0 F(t_k) and F(psi) = c0 + c1 psi + c2 psi^2,
 * i.e. w1 c2 psi^2 + (w1 c1 - 1) psi + (Q + w1 c0) = 0, solved as psi = 2C / (-B +- sqrt(B^2 - 4AC)) with the sign that
 * gives the larger denominator (the root that tends to the explicit value as the step goes to 0, [AMST07]); writes psi
 * and F(psi) at t_(k+1).
 */
export function implicitStep(
  m: i32, c2: f64, c0re: usize, c0im: usize, c1re: usize, c1im: usize, hRe: usize, hIm: usize, w0: f64, w1: f64,
  f0re: usize, f0im: usize, psiRe: usize, psiIm: usize, f1re: usize, f1im: usize,
): void {
  const A = w1 * c2;
  for (let j = 0; j < m; j++) {
    const a0r = at(c0re, j);
    const a0i = at(c0im, j);
    const a1r = at(c1re, j);
    const a1i = at(c1im, j);
    const Br = w1 * a1r - 1;
    const Bi = w1 * a1i;
    const Cr = at(hRe, j) + w0 * at(f0re, j) + w1 * a0r;
    const Ci = at(hIm, j) + w0 * at(f0im, j) + w1 * a0i;
    const Dr = Br * Br - Bi * Bi - 4 * A * Cr;
    const Di = 2 * Br * Bi - 4 * A * Ci;
    const mod = Math.hypot(Dr, Di);
    const sr = Math.sqrt(Math.max(0, (mod + Dr) / 2));
    const si0 = Math.sqrt(Math.max(0, (mod - Dr) / 2));
    const si = Di < 0 ? -si0 : si0;
    // -B + s and -B - s: the larger one (Re of (-B) conj(s) >= 0 picks it)
    const sign: f64 = -Br * sr - Bi * si >= 0 ? 1 : -1;
    const dr = -Br + sign * sr;
    const di = -Bi + sign * si;
    const den = dr * dr + di * di;
    const pr = (2 * (Cr * dr + Ci * di)) / den;
    const pi = (2 * (Ci * dr - Cr * di)) / den;
    put(psiRe, j, pr);
    put(psiIm, j, pi);
    put(f1re, j, a0r + a1r * pr - a1i * pi + c2 * (pr * pr - pi * pi));
    put(f1im, j, a0i + a1r * pi + a1i * pr + 2 * c2 * pr * pi);
  }
}

/**
 * Product-integration weights of I^beta F(t_r) = int_0^t_r (t_r - s)^(beta-1) / Gamma(beta) F(s) ds for F linear
 * between the mesh points t_0..t_r ([DFF02]'s product trapezoid): out_i weighs F(t_i), i = 0..r. Interval i, at distance
 * a..b = t_r - t_(i+1) .. t_r - t_i, gives (S2 - a S1) / (h Gamma) to its left point and (b S1 - S2) / (h Gamma) to
 * its right one, S1 = int_a^b tau^(beta-1), S2 = int_a^b tau^beta, written with expm1/log1p so that short intervals
 * far from t_r (the graded mesh's first steps) keep their relative accuracy.
 */
export function productRow(beta: f64, gammaBeta: f64, t: usize, r: i32, out: usize): void {
  memory.fill(out, 0, (<usize>(r + 1)) << 3);
  const tr = at(t, r);
  for (let i = 0; i < r; i++) {
    const a = tr - at(t, i + 1);
    const b = tr - at(t, i);
    const h = b - a;
    const l = Math.log1p(-h / b);
    const S1 = (Math.pow(b, beta) * -Math.expm1(beta * l)) / beta;
    const S2 = (Math.pow(b, beta + 1) * -Math.expm1((beta + 1) * l)) / (beta + 1);
    const g = h * gammaBeta;
    put(out, i, at(out, i) + (S2 - a * S1) / g);
    put(out, i + 1, at(out, i + 1) + (b * S1 - S2) / g);
  }
}

/** h_j = sum_i w_i x_j(t_i), i = 0..count-1, for the rows x (re, im) of m values each (struct of arrays). */
export function rowSum(m: i32, count: i32, w: usize, xRe: usize, xIm: usize, hRe: usize, hIm: usize): void {
  memory.fill(hRe, 0, (<usize>m) << 3);
  memory.fill(hIm, 0, (<usize>m) << 3);
  const row = (<usize>m) << 3;
  for (let i = 0; i < count; i++) {
    const wi = at(w, i);
    const pr = xRe + <usize>i * row;
    const pi = xIm + <usize>i * row;
    for (let j = 0; j < m; j++) {
      put(hRe, j, at(hRe, j) + wi * at(pr, j));
      put(hIm, j, at(hIm, j) + wi * at(pi, j));
    }
  }
}

/**
 * The history by the kernel's sum of exponentials sum_q c_q exp(-x_q tau) ([JZZZ17]): each mode
 * M_q = int_0^t exp(-x_q (t - s)) F(s) ds moves over a step of length h with F linear from f0 to f1,
 * M_q <- exp(-x_q h) M_q + A_q f0 + B_q f1, and h_j = sum_q c_q exp(-x_q hNext) M_q is the history at the next time.
 * `scratch` holds 4 N floats; the modes M (re, im) N per equation.
 */
export function soeHistory(
  m: i32, N: i32, x: usize, c: usize, h: f64, hNext: f64, scratch: usize, Mre: usize, Mim: usize,
  f0re: usize, f0im: usize, f1re: usize, f1im: usize, hRe: usize, hIm: usize,
): void {
  const decay = scratch;
  const Aw = scratch + ((<usize>N) << 3);
  const Bw = Aw + ((<usize>N) << 3);
  const next = Bw + ((<usize>N) << 3);
  for (let q = 0; q < N; q++) {
    const z = at(x, q) * h;
    const e = Math.exp(-z);
    put(decay, q, e);
    if (z < 1e-2) {
      // the series of the two weights below, whose closed forms cancel for small z
      put(Aw, q, h * (1.0 / 2 - z / 3 + (z * z) / 8 - (z * z * z) / 30 + (z * z * z * z) / 144));
      put(Bw, q, h * (1.0 / 2 - z / 6 + (z * z) / 24 - (z * z * z) / 120 + (z * z * z * z) / 720));
    } else {
      put(Aw, q, (h * (1 - e * (1 + z))) / (z * z));
      put(Bw, q, (h * (z - 1 + e)) / (z * z));
    }
    put(next, q, at(c, q) * Math.exp(-at(x, q) * hNext));
  }
  for (let j = 0; j < m; j++) {
    const a0r = at(f0re, j);
    const a0i = at(f0im, j);
    const a1r = at(f1re, j);
    const a1i = at(f1im, j);
    const base = j * N;
    let re: f64 = 0;
    let im: f64 = 0;
    for (let q = 0; q < N; q++) {
      const d = at(decay, q);
      const wa = at(Aw, q);
      const wb = at(Bw, q);
      const mr = d * at(Mre, base + q) + wa * a0r + wb * a1r;
      const mi = d * at(Mim, base + q) + wa * a0i + wb * a1i;
      put(Mre, base + q, mr);
      put(Mim, base + q, mi);
      re += at(next, q) * mr;
      im += at(next, q) * mi;
    }
    put(hRe, j, re);
    put(hIm, j, im);
  }
}

/**
 * The oscillations of the Fourier integrand at every node v_j and log-strike k_i: cos(v_j k_i) and sin(v_j k_i) at
 * j S + i (J nodes, S strikes).
 */
export function oscillations(J: i32, S: i32, v: usize, k: usize, cosVK: usize, sinVK: usize): void {
  for (let j = 0; j < J; j++) {
    const vj = at(v, j);
    for (let i = 0; i < S; i++) {
      const a = vj * at(k, i);
      put(cosVK, j * S + i, Math.cos(a));
      put(sinVK, j * S + i, Math.sin(a));
    }
  }
}

/** out_i = sum_j Re[z_j exp(i v_j k_i)] = sum_j zr_j cos(v_j k_i) - zi_j sin(v_j k_i), with the oscillations' tables. */
export function fourierSum(J: i32, S: i32, zr: usize, zi: usize, cosVK: usize, sinVK: usize, out: usize): void {
  memory.fill(out, 0, (<usize>S) << 3);
  for (let j = 0; j < J; j++) {
    const a = at(zr, j);
    const b = at(zi, j);
    const row = j * S;
    for (let i = 0; i < S; i++) put(out, i, at(out, i) + a * at(cosVK, row + i) - b * at(sinVK, row + i));
  }
}
