/** A user-facing error: the message names the field and the reason; the CLI prints it on one line. */
export class VmotError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'VmotError';
  }
}

/** A check ran to the end and found a problem (e.g. arbitrage); its report is already printed. The CLI exits with 3. */
export class CheckFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/** A long job stopped on request (SIGINT) after saving its checkpoint. */
export class Interrupted extends Error {
  constructor(readonly step: number) {
    super(`interrupted at step ${step}`);
    this.name = 'Interrupted';
  }
}
