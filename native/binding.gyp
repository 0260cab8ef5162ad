# The native kernel (kernel.cc), built by native/build.mjs. -ffp-contract=off: only the explicit multiply-adds are
# fused, as in the relaxed-SIMD WebAssembly kernel, so both train the same weights. -funroll-loops: without it g++ 12
# spills an accumulator of the 4 x 32 block (67 instead of 84 GFLOP/s on one thread here).
{
  "targets": [
    {
      "target_name": "vmot_kernel",
      "sources": ["kernel.cc"],
      "cflags_cc": ["-O3", "-march=native", "-funroll-loops", "-ffp-contract=off", "-fno-exceptions"]
    }
  ]
}
