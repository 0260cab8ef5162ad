// Dense-layer primitives of the fused training engine (src/models/engines/wasm/fused-step.ts), compiled for this CPU:
// the same functions and semantics as assembly/kernel.ts on 8-float vectors (AVX/AVX-512 where g++ -march=native
// finds them) instead of WebAssembly's 4. Every pointer is a byte offset into the engine's shared memory, bound once
// by bind(view). Built by `npm run build:native` (node-gyp); the engine uses it when it loads (src/models/engines/wasm/kernels.ts).
#include <node_api.h>
#include <cmath>
#include <cstring>
#if defined(__AVX__)
#include <immintrin.h>
#endif

typedef float v8f __attribute__((vector_size(32), aligned(4)));

static inline v8f load8(const float* p) { v8f v; std::memcpy(&v, p, sizeof v); return v; }
static inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
static inline v8f splat(float s) { return v8f{s, s, s, s, s, s, s, s}; }
/** c + a * b, fused where the CPU has FMA, as V8 compiles WebAssembly's relaxed multiply-add (-ffp-contract=off fuses nothing else). */
static inline v8f madd(v8f a, v8f b, v8f c) {
#if defined(__FMA__)
  return (v8f)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#else
  return a * b + c;
#endif
}
/** Correctly rounded square root of each lane, as WebAssembly's f32x4.sqrt. */
static inline v8f sqrt8(v8f x) {
#if defined(__AVX__)
  return (v8f)_mm256_sqrt_ps((__m256)x);
#else
  v8f r;
  for (int l = 0; l < 8; l++) r[l] = std::sqrt(x[l]);
  return r;
#endif
}
/** Keeps the lanes of c where m > 0 (ReLU when m = c, ReLU derivative mask otherwise). */
static inline v8f keep(v8f c, v8f m) { return m > 0 ? c : v8f{}; }

/** One register block of gemm: R rows x 8V columns from column j. */
template <int R, int V>
static inline void block(int kdim, const float* a, long rs, long cs, const float* b, long n, float* c, const float* bias, const float* mask, int relu, int j) {
  v8f acc[R][V];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = bias ? load8(bias + j + 8 * v) : load8(c + r * n + j + 8 * v);
  const float* pa = a;
  const float* pb = b + j;
  for (int k = 0; k < kdim; k++) {
    v8f bv[V];
    for (int v = 0; v < V; v++) bv[v] = load8(pb + 8 * v);
    for (int r = 0; r < R; r++) {
      const v8f s = splat(pa[r * rs]);
      for (int v = 0; v < V; v++) acc[r][v] = madd(s, bv[v], acc[r][v]);
    }
    pa += cs;
    pb += n;
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) {
      v8f x = acc[r][v];
      if (mask) x = keep(x, load8(mask + r * n + j + 8 * v));
      else if (relu) x = keep(x, x);
      store8(c + r * n + j + 8 * v, x);
    }
}

/** Row blocks of R rows from row r: column strips of 16 (2 vectors), then 8. */
template <int R>
static inline void rowBlock(int r, int kdim, long n, const float* A, long rs, long cs, const float* B, float* C, const float* bi, const float* M, int relu) {
  int j = 0;
  for (; j + 16 <= n; j += 16) block<R, 2>(kdim, A + r * rs, rs, cs, B, n, C + r * n, bi, M ? M + r * n : nullptr, relu, j);
  for (; j < n; j += 8) block<R, 1>(kdim, A + r * rs, rs, cs, B, n, C + r * n, bi, M ? M + r * n : nullptr, relu, j);
}

/**
 * The 12-row block of an 8-wide C, compiled on its own: inlined into gemm, its 12 row offsets of A no longer fit in the
 * general registers there and are reloaded on every k, at half the speed.
 */
__attribute__((noinline)) static void block12x8(int kdim, const float* a, long rs, long cs, const float* b, float* c, const float* bias, const float* mask, int relu) {
  block<12, 1>(kdim, a, rs, cs, b, 8, c, bias, mask, relu, 0);
}

/**
 * Blocked C = init + A B as in assembly/kernel.ts gemm (n a multiple of 8; strides rs, cs in floats). Each element is
 * the same chain of multiply-adds over k whatever the block, so the blocking changes the speed, not the numbers.
 * 6 x 16 blocks (12 accumulators) run the 64 x 64 layers at about 110 GFLOP/s on one Zen 4 core, the 4 x 32 blocks of
 * the WebAssembly kernel at 84; an 8-wide C (the padded 1-wide output layer) takes 12-row blocks and a 1-row C (the
 * bias gradient) strips of up to 64 columns, so that enough independent accumulators hide the multiply-add latency.
 */
static void gemm(char* heap, int rows, int kdim, long n, long a, long rs, long cs, long b, long c, long bias, long mask, int relu) {
  const float* A = reinterpret_cast<const float*>(heap + a);
  const float* B = reinterpret_cast<const float*>(heap + b);
  float* C = reinterpret_cast<float*>(heap + c);
  const float* bi = bias ? reinterpret_cast<const float*>(heap + bias) : nullptr;
  const float* M = mask ? reinterpret_cast<const float*>(heap + mask) : nullptr;
  if (rows == 1) {
    int j = 0;
    for (; j + 64 <= n; j += 64) block<1, 8>(kdim, A, rs, cs, B, n, C, bi, M, relu, j);
    for (; j + 32 <= n; j += 32) block<1, 4>(kdim, A, rs, cs, B, n, C, bi, M, relu, j);
    for (; j < n; j += 8) block<1, 1>(kdim, A, rs, cs, B, n, C, bi, M, relu, j);
    return;
  }
  int r = 0;
  if (n == 8)
    for (; r + 12 <= rows; r += 12) block12x8(kdim, A + r * rs, rs, cs, B, C + r * n, bi, M ? M + r * n : nullptr, relu);
  for (; r + 6 <= rows; r += 6) rowBlock<6>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
  switch (rows - r) {
    case 5: return rowBlock<5>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
    case 4: return rowBlock<4>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
    case 3: return rowBlock<3>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
    case 2: return rowBlock<2>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
    case 1: return rowBlock<1>(r, kdim, n, A, rs, cs, B, C, bi, M, relu);
  }
}

/** Adam (Kingma-Ba) as in assembly/kernel.ts adam, the same operations in the same order, 8 floats at a time (count is a multiple of 8). */
static void adam(char* heap, long p, long m, long v, long g, int parts, long stride, int count, float alpha, float b1, float b2, float eps) {
  float* P = reinterpret_cast<float*>(heap + p);
  float* Mo = reinterpret_cast<float*>(heap + m);
  float* Vo = reinterpret_cast<float*>(heap + v);
  const float* G = reinterpret_cast<const float*>(heap + g);
  const long sf = stride / 4;
  const v8f vb1 = splat(b1), vc1 = splat(1 - b1), vb2 = splat(b2), vc2 = splat(1 - b2), va = splat(alpha), ve = splat(eps);
  for (int i = 0; i < count; i += 8) {
    v8f gi = load8(G + i);
    for (int t = 1; t < parts; t++) gi += load8(G + t * sf + i);
    const v8f mi = load8(Mo + i) * vb1 + gi * vc1;
    const v8f vi = load8(Vo + i) * vb2 + (gi * gi) * vc2;
    store8(Mo + i, mi);
    store8(Vo + i, vi);
    store8(P + i, load8(P + i) - (mi / (sqrt8(vi) + ve)) * va);
  }
}

/** dst (cols x rows) = transpose of src (rows x cols), both row-major. */
static void transpose(char* heap, long src, long dst, int rows, int cols) {
  const float* S = reinterpret_cast<const float*>(heap + src);
  float* D = reinterpret_cast<float*>(heap + dst);
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) D[j * rows + i] = S[i * cols + j];
}

/** Reads `count` numeric arguments; the heap is the function's data (bound by Bind). */
static char* args(napi_env env, napi_callback_info info, size_t count, double* out) {
  napi_value argv[11];
  size_t argc = 11;
  void* heap = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &heap);
  if (argc != count) {
    napi_throw_type_error(env, nullptr, "vmot native kernel: wrong number of arguments");
    return nullptr;
  }
  for (size_t i = 0; i < count; i++) napi_get_value_double(env, argv[i], &out[i]);
  return static_cast<char*>(heap);
}

static napi_value Gemm(napi_env env, napi_callback_info info) {
  double x[11];
  if (char* heap = args(env, info, 11, x))
    gemm(heap, int(x[0]), int(x[1]), long(x[2]), long(x[3]), long(x[4]), long(x[5]), long(x[6]), long(x[7]), long(x[8]), long(x[9]), int(x[10]));
  return nullptr;
}

static napi_value Adam(napi_env env, napi_callback_info info) {
  double x[11];
  if (char* heap = args(env, info, 11, x))
    adam(heap, long(x[0]), long(x[1]), long(x[2]), long(x[3]), int(x[4]), long(x[5]), int(x[6]), float(x[7]), float(x[8]), float(x[9]), float(x[10]));
  return nullptr;
}

static napi_value Transpose(napi_env env, napi_callback_info info) {
  double x[4];
  if (char* heap = args(env, info, 4, x)) transpose(heap, long(x[0]), long(x[1]), int(x[2]), int(x[3]));
  return nullptr;
}

/**
 * bind(view): the kernel {gemm, adam, transpose, view} on the memory under `view`, a Float32Array over a shared
 * WebAssembly memory (a shared memory grows in place, so its base address holds for the engine's life).
 */
static napi_value Bind(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_typedarray_type type;
  size_t length;
  void* data = nullptr;
  if (argc != 1 || napi_get_typedarray_info(env, argv[0], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, "vmot native kernel: bind needs a Float32Array over the engine's memory");
    return nullptr;
  }
  const napi_property_descriptor fns[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, data},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, data},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, data},
      {"view", nullptr, nullptr, nullptr, nullptr, argv[0], napi_default, nullptr},
  };
  napi_value kernel;
  napi_create_object(env, &kernel);
  napi_define_properties(env, kernel, 4, fns);
  return kernel;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor fns[] = {{"bind", nullptr, Bind, nullptr, nullptr, nullptr, napi_default, nullptr}};
  napi_define_properties(env, exports, 1, fns);
  return exports;
}
