import cliProgress from 'cli-progress';

export interface Reporter {
  update(label: string, done: number, total: number, detail: string): void;
  stop(): void;
}

/** A bar with ETA on a terminal, plain lines (every 10%) otherwise; all on stderr so --json stays clean. */
export function progressReporter(quiet = false): Reporter {
  if (quiet) return { update() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: '{label} [{bar}] {percentage}% | ETA {eta_formatted} | {detail}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let current = '';
    return {
      update(label, done, total, detail) {
        if (label !== current) {
          if (current) bar.stop();
          bar.start(total, done, { label, detail });
          current = label;
        }
        bar.update(done, { label, detail });
      },
      stop: () => bar.stop(),
    };
  }
  const t0 = Date.now();
  let lastDecile = new Map<string, number>();
  return {
    update(label, done, total, detail) {
      const decile = Math.floor((10 * done) / total);
      if (decile === lastDecile.get(label)) return;
      lastDecile.set(label, decile);
      const s = (Date.now() - t0) / 1000;
      process.stderr.write(`${label}: ${done}/${total} (${Math.round((100 * done) / total)}%) ${detail} [${s.toFixed(1)}s]\n`);
    },
    stop() {
      lastDecile = new Map();
    },
  };
}
