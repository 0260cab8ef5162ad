import gamma from '@stdlib/math-base-special-gamma';

/** K(t) ~ sum_k weights[k] exp(-rates[k] t). */
export interface ExpKernel {
  weights: Float64Array;
  rates: Float64Array;
}

/**
 * Multi-factor approximation of the fractional kernel K(t) = t^(alpha-1)/Gamma(alpha) (Abi Jaber-El Euch 2019,
 * "Multifactor approximation of rough volatility models"): K is the Laplace transform of
 * mu(dx) = x^(-alpha) dx / (Gamma(alpha) Gamma(1-alpha)); with x = e^y the trapezoid rule in y (step h) on
 * [log(1e-3/T), log(40/dt)] is accurate for t in [dt, T]; the mass below the lower end is one factor of rate 0.
 */
export function expKernel(alpha: number, dt: number, T: number, h = 0.5): ExpKernel {
  const c = 1 / (gamma(alpha) * gamma(1 - alpha));
  const yMin = Math.log(1e-3 / T);
  const yMax = Math.log(40 / dt);
  const n = Math.ceil((yMax - yMin) / h);
  const weights = [(c * Math.exp((1 - alpha) * yMin)) / (1 - alpha)];
  const rates = [0];
  for (let k = 0; k <= n; k++) {
    const y = yMin + k * h;
    weights.push((k === 0 || k === n ? 0.5 : 1) * h * c * Math.exp((1 - alpha) * y));
    rates.push(Math.exp(y));
  }
  return { weights: Float64Array.from(weights), rates: Float64Array.from(rates) };
}

/** Evaluates the approximation at t (for checks). */
export function evalExpKernel(k: ExpKernel, t: number): number {
  let s = 0;
  for (let i = 0; i < k.rates.length; i++) s += k.weights[i] * Math.exp(-k.rates[i] * t);
  return s;
}
