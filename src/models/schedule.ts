/** Penalty continuation for the penalized dual (Eckstein-Kupper 2021; HLPS23 (4.7)): gamma rises geometrically from gammaStart to gamma over the first `rampFraction` of the steps, then stays. */
export function penaltyGamma(step: number, steps: number, gammaStart: number, gamma: number, rampFraction: number): number {
  const end = steps * rampFraction;
  return step >= end ? gamma : gammaStart * (gamma / gammaStart) ** (step / end);
}

/** Learning rate at `step` (0-based): constant, then a geometric decay to lr * lrFinal over the last decayFraction of the steps. */
export function learningRate(step: number, steps: number, lr: number, decayFraction: number, lrFinal: number): number {
  const start = Math.floor(steps * (1 - decayFraction));
  if (step < start || steps - start <= 1) return lr;
  return lr * lrFinal ** ((step - start) / (steps - start - 1));
}
