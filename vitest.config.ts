import { defineConfig } from 'vitest/config';

// Two tiers, both run by `npm test` (unit first): unit tests are fast and assert against independent oracles;
// the training tier trains neural duals to default accuracy, minutes per test on 2 cores, so its time limit is
// generous enough for a loaded machine (a busy 2-core machine has taken 4.5 minutes for one of them).
export default defineConfig({
  test: {
    // 2 cores: at most two test files at once
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
      // npm pack, install into an empty project, run through the package's API, binary and types
      { test: { name: 'package', include: ['test/package/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 900_000 } },
      { test: { name: 'training', include: ['test/training/**/*.test.ts'], testTimeout: 3_600_000, hookTimeout: 3_600_000 } },
    ],
  },
});
