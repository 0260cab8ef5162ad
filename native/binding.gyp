{
  "targets": [
    {
      "target_name": "vmot_kernel",
      "sources": ["kernel.cc"],
      "cflags_cc": ["-O3", "-march=native", "-funroll-loops", "-ffp-contract=off", "-fno-exceptions"]
    }
  ]
}
