// Dense-layer primitives of the fused training engine (src/models/fused-step.ts) on a linear memory
// shared by all threads; every pointer is a byte offset. WASM SIMD128, with the relaxed-SIMD
// fused multiply-add when compiled with --enable relaxed-simd.

/** c + a * b, fused when relaxed SIMD is enabled at compile time. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Keeps the lanes of c where m > 0 (ReLU when m = c, ReLU derivative mask otherwise). */
@inline function keep(c: v128, m: v128): v128 {
  return v128.and(c, f32x4.gt(m, f32x4.splat(0)));
}

/**
 * Blocked matrix product C = init + A B (4 rows x 8 columns per register block), n a multiple of 8:
 * A(r, k) = a[r*rs + k*cs] (strides in floats, so A may be read transposed), B is kdim x n row-major,
 * C is rows x n row-major; init is the row vector at `bias`, or C itself when bias = 0 (accumulate).
 * Then C is masked by M > 0 (M at `mask`, same layout as C) when mask != 0, or by C > 0 when relu != 0.
 */
export function gemm(rows: i32, kdim: i32, n: i32, a: usize, rs: i32, cs: i32, b: usize, c: usize, bias: usize, mask: usize, relu: i32): void {
  const rsb = (<usize>rs) << 2;
  const csb = (<usize>cs) << 2;
  const nb = (<usize>n) << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const ar = a + <usize>r * rsb;
    const cr = c + <usize>r * nb;
    for (let j: usize = 0; j < nb; j += 32) {
      const p0 = cr + j;
      const p1 = p0 + nb;
      const p2 = p1 + nb;
      const p3 = p2 + nb;
      let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
      if (bias) {
        c00 = v128.load(bias + j);
        c01 = v128.load(bias + j, 16);
        c10 = c00; c11 = c01; c20 = c00; c21 = c01; c30 = c00; c31 = c01;
      } else {
        c00 = v128.load(p0); c01 = v128.load(p0, 16);
        c10 = v128.load(p1); c11 = v128.load(p1, 16);
        c20 = v128.load(p2); c21 = v128.load(p2, 16);
        c30 = v128.load(p3); c31 = v128.load(p3, 16);
      }
      let pa = ar;
      let pb = b + j;
      for (let k = 0; k < kdim; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = f32x4.splat(load<f32>(pa));
        c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
        s = f32x4.splat(load<f32>(pa + rsb));
        c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
        s = f32x4.splat(load<f32>(pa + 2 * rsb));
        c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
        s = f32x4.splat(load<f32>(pa + 3 * rsb));
        c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
        pa += csb;
        pb += nb;
      }
      if (mask) {
        const m0 = mask + (p0 - c);
        const m1 = m0 + nb;
        const m2 = m1 + nb;
        const m3 = m2 + nb;
        c00 = keep(c00, v128.load(m0)); c01 = keep(c01, v128.load(m0, 16));
        c10 = keep(c10, v128.load(m1)); c11 = keep(c11, v128.load(m1, 16));
        c20 = keep(c20, v128.load(m2)); c21 = keep(c21, v128.load(m2, 16));
        c30 = keep(c30, v128.load(m3)); c31 = keep(c31, v128.load(m3, 16));
      } else if (relu) {
        c00 = keep(c00, c00); c01 = keep(c01, c01);
        c10 = keep(c10, c10); c11 = keep(c11, c11);
        c20 = keep(c20, c20); c21 = keep(c21, c21);
        c30 = keep(c30, c30); c31 = keep(c31, c31);
      }
      v128.store(p0, c00); v128.store(p0, c01, 16);
      v128.store(p1, c10); v128.store(p1, c11, 16);
      v128.store(p2, c20); v128.store(p2, c21, 16);
      v128.store(p3, c30); v128.store(p3, c31, 16);
    }
  }
  for (; r < rows; r++) {
    const ar = a + <usize>r * rsb;
    const cr = c + <usize>r * nb;
    for (let j: usize = 0; j < nb; j += 32) {
      const p0 = cr + j;
      let c0 = bias ? v128.load(bias + j) : v128.load(p0);
      let c1 = bias ? v128.load(bias + j, 16) : v128.load(p0, 16);
      let pa = ar;
      let pb = b + j;
      for (let k = 0; k < kdim; k++) {
        const s = f32x4.splat(load<f32>(pa));
        c0 = madd(s, v128.load(pb), c0);
        c1 = madd(s, v128.load(pb, 16), c1);
        pa += csb;
        pb += nb;
      }
      if (mask) {
        const m0 = mask + (p0 - c);
        c0 = keep(c0, v128.load(m0));
        c1 = keep(c1, v128.load(m0, 16));
      } else if (relu) {
        c0 = keep(c0, c0);
        c1 = keep(c1, c1);
      }
      v128.store(p0, c0);
      v128.store(p0, c1, 16);
    }
  }
}

/**
 * Adam (Kingma-Ba) with the bias correction folded into alpha, on `count` floats (a multiple of 4):
 * g = sum of `parts` gradient copies `stride` bytes apart, m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= alpha m / (sqrt(v) + eps).
 */
export function adam(p: usize, m: usize, v: usize, g: usize, parts: i32, stride: usize, count: i32, alpha: f32, b1: f32, b2: f32, eps: f32): void {
  const vb1 = f32x4.splat(b1);
  const vc1 = f32x4.splat(1 - b1);
  const vb2 = f32x4.splat(b2);
  const vc2 = f32x4.splat(1 - b2);
  const va = f32x4.splat(alpha);
  const ve = f32x4.splat(eps);
  const end = (<usize>count) << 2;
  for (let i: usize = 0; i < end; i += 16) {
    let gv = v128.load(g + i);
    for (let t = 1; t < parts; t++) gv = f32x4.add(gv, v128.load(g + <usize>t * stride + i));
    const mv = f32x4.add(f32x4.mul(v128.load(m + i), vb1), f32x4.mul(gv, vc1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + i), vb2), f32x4.mul(f32x4.mul(gv, gv), vc2));
    v128.store(m + i, mv);
    v128.store(v + i, vv);
    const step = f32x4.mul(f32x4.div(mv, f32x4.add(f32x4.sqrt(vv), ve)), va);
    v128.store(p + i, f32x4.sub(v128.load(p + i), step));
  }
}

/** dst (cols x rows) = transpose of src (rows x cols), both row-major. */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) store<f32>(dst + ((<usize>(j * rows + i)) << 2), load<f32>(src + ((<usize>(i * cols + j)) << 2)));
}
