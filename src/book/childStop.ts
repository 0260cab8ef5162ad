import type { StopFlag } from '../core/progress.js';

/**
 * The stop flag of a process that runs jobs for a parent (the embedded pool's host, BullMQ's sandboxed child): set by
 * SIGINT / SIGTERM, and when the parent goes away (its machine died, say), so the running job stops at its next step
 * with its checkpoint saved; the process then ends within `graceMs` at the latest.
 */
export function childStopFlag(graceMs: number): StopFlag {
  const stop: StopFlag = { requested: false };
  const halt = () => {
    stop.requested = true;
  };
  process.on('SIGINT', halt);
  process.on('SIGTERM', halt);
  process.on('disconnect', () => {
    halt();
    setTimeout(() => process.exit(0), graceMs).unref();
  });
  return stop;
}
