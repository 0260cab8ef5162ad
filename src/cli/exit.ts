/** Exit codes of the vmot command (printed by --help). */
export const EXIT = {
  ok: 0,
  internal: 1,
  /** Usage error or bad input: the message names the option or field. */
  input: 2,
  /** The run finished, and a check it runs found a problem (arbitrage in an SVI smile, a bound that failed its checks). */
  check: 3,
  /** Stopped by SIGINT (130) or SIGTERM (143) after saving a checkpoint; the same command resumes. */
  sigint: 130,
  sigterm: 143,
} as const;

export const exitCodesHelp = `Exit codes: 0 ok; 2 usage error or bad input (the message names the field); 3 a check found a problem
(butterfly arbitrage, a bound marked UNRELIABLE); 1 internal error (--debug prints the stack); 130 / 143 interrupted by SIGINT /
SIGTERM after saving a checkpoint (run the same command again to resume).`;
