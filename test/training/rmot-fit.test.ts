import { describe, expect, it } from 'vitest';
import { forwardCalls } from '../../src/rough/fourier.js';
import { impliedVol } from '../../src/rough/impliedVol.js';
import { normalize } from '../../src/rough/params.js';
import { fitRoughHeston } from '../../src/rmot/fitRough.js';

describe('rough Heston fitted to implied vols (least squares, Levenberg-Marquardt)', () => {
  it('reproduces a smile made by the model at known parameters, from a distant start', () => {
    const truth = normalize({ parametrization: 'standard', H: 0.15, nu: 0.6, rho: -0.6, kappa: 0.3, forwardVariance: { times: [0, 0.5], values: [0.03, 0.06] } });
    const smiles = [0.25, 0.5].map((T) => {
      const strikes = [80, 88, 95, 100, 105, 112, 120];
      const calls = forwardCalls(truth, T, 100, strikes, { tol: 1e-6 * 100 }).calls;
      return { maturity: T, forward: 100, strikes, vols: strikes.map((K, j) => impliedVol(100, K, T, calls[j])) };
    });
    const fit = fitRoughHeston(smiles, { initial: [0.3, 1.2, -0.2, 0.05, 0.05], maxIterations: 60 });
    console.log(`fit: H ${fit.params.H.toFixed(3)} nu ${fit.params.nu.toFixed(3)} rho ${fit.params.rho.toFixed(3)} xi ${fit.curve.map((v) => v.toFixed(4)).join(' -> ')}; RMS ${(1e4 * fit.rmse).toFixed(2)} bp of vol, ${fit.iterations} steps, ${fit.seconds.toFixed(1)} s`);
    // the truth has RMS 0: the fit must get within a tenth of a vol point of it
    expect(fit.rmse).toBeLessThan(1e-3);
    expect(fit.perMaturity.map((m) => m.quotes)).toEqual([7, 7]);
  });
});
