/** Progress of a long job: step `step` of `steps` of one bound (a BoundSide), with the current value estimate. */
export interface Progress {
  side: 'upper' | 'lower';
  step: number;
  steps: number;
  value: number;
}

/** Set `requested` (e.g. on SIGINT or SIGTERM) to stop a long job after its current step, with its checkpoint saved. */
export interface StopFlag {
  requested: boolean;
}
