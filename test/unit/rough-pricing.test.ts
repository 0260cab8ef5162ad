import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VmotError } from '../../src/core/errors.js';
import gamma from '@stdlib/math-base-special-gamma';
import { productWeights, solveFractionalRiccati } from '../../src/rough/adams.js';
import { logMgf } from '../../src/rough/charfn.js';
import { fractionalKernelSoe } from '../../src/rough/soe.js';
import { forwardCalls } from '../../src/rough/fourier.js';
import { blackCall, impliedVol } from '../../src/rough/impliedVol.js';
import { normalize, roughHestonFields } from '../../src/rough/params.js';
import { computeSmile, loadSmileParams } from '../../src/rough/smile.js';
import { parseWith } from '../../src/core/schema.js';

const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/rough-heston-quantlib.json', import.meta.url), 'utf8'));
const gammaFn = (x: number) => gamma(x);
const standard = normalize({ parametrization: 'standard', H: 0.1, nu: 0.4, rho: -0.7, kappa: 0.3, theta: 0.04, v0: 0.04 });

describe('rough Heston Fourier pricing', () => {
  it('matches the QuantLib reference prices within the 2e-4 asked at T = 0.25, 1, 2', () => {
    const input = loadSmileParams('examples/rough-heston-quantlib.json');
    expect(input.spot).toBe(ref.params.S0);
    for (const T of ['0.25', '1', '2']) {
      const strikes = Object.keys(ref.calls[T]).map(Number);
      const smile = computeSmile(input, Number(T), strikes, { tol: 2e-4 });
      smile.rows.forEach((r) => {
        const want = ref.calls[T][String(r.strike)];
        console.log(`T=${T} K=${r.strike}: ${r.call.toFixed(6)} vs QuantLib ${want} (diff ${(r.call - want).toExponential(2)}; ${smile.plan.steps} steps, u_max ${smile.plan.uMax.toFixed(1)})`);
        expect(Math.abs(r.call - want)).toBeLessThan(2e-4);
      });
    }
  });

  it('the El Euch-Rosenbaum parametrization (lambda, nu) equals the standard one with kappa = lambda, nu_std = lambda nu', () => {
    const eer = loadSmileParams('examples/rough-heston-eer.json');
    expect(eer.model.nu).toBeCloseTo(0.4, 12);
    expect(eer.model.kappa).toBe(0.3);
    const a = forwardCalls(eer.model, 1, 100, [80, 100, 120], { tol: 1e-3, steps: 200, uMax: 60 }).calls;
    const b = forwardCalls(standard, 1, 100, [80, 100, 120], { tol: 1e-3, steps: 200, uMax: 60 }).calls;
    a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 12));
  });

  it('a forward-variance curve equal to v0 everywhere gives the (v0, theta = v0) prices', () => {
    const curve = normalize({ parametrization: 'standard', H: 0.1, nu: 0.4, rho: -0.7, kappa: 0.3, forwardVariance: { times: [0, 0.5, 2], values: [0.04, 0.04, 0.04] } });
    const flat = normalize({ parametrization: 'standard', H: 0.1, nu: 0.4, rho: -0.7, kappa: 0.3, v0: 0.04, theta: 0.04 });
    const opts = { tol: 1e-3, steps: 800, uMax: 60 };
    const a = forwardCalls(curve, 1, 100, [80, 100, 120], opts).calls;
    const b = forwardCalls(flat, 1, 100, [80, 100, 120], opts).calls;
    a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(2e-5));
  });

  it('H = 1/2 reproduces the classical Heston characteristic function (closed form)', () => {
    const p = { kappa: 1.5, theta: 0.05, v0: 0.03, nu: 0.5, rho: -0.6 };
    const model = normalize({ parametrization: 'standard', H: 0.5, ...p });
    const T = 1;
    const us = [0.5, 2, 5, 10];
    const L = logMgf(model, T, { re: new Float64Array(us.length), im: Float64Array.from(us) }, 2000);
    us.forEach((u, j) => {
      // Heston (1993) in the "little trap" form (Albrecher et al. 2007), log E[exp(i u X_T)] of X_T = log(S_T/F)
      const c = (re: number, im: number) => ({ re, im });
      const mul = (a: { re: number; im: number }, b: { re: number; im: number }) => c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
      const div = (a: { re: number; im: number }, b: { re: number; im: number }) => {
        const d = b.re * b.re + b.im * b.im;
        return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
      };
      const cexp = (a: { re: number; im: number }) => c(Math.exp(a.re) * Math.cos(a.im), Math.exp(a.re) * Math.sin(a.im));
      const clog = (a: { re: number; im: number }) => c(Math.log(Math.hypot(a.re, a.im)), Math.atan2(a.im, a.re));
      const csqrt = (a: { re: number; im: number }) => {
        const r = Math.sqrt(Math.hypot(a.re, a.im));
        const t = Math.atan2(a.im, a.re) / 2;
        return c(r * Math.cos(t), r * Math.sin(t));
      };
      const b = c(p.kappa, -p.rho * p.nu * u); // kappa - i rho nu u
      const d = csqrt(c(b.re * b.re - b.im * b.im + p.nu * p.nu * u * u, 2 * b.re * b.im + p.nu * p.nu * u));
      const bm = c(b.re - d.re, b.im - d.im);
      const g = div(bm, c(b.re + d.re, b.im + d.im));
      const e = cexp(c(-d.re * T, -d.im * T));
      const one = c(1, 0);
      const ge = mul(g, e);
      const D = mul(div(bm, c(p.nu * p.nu, 0)), div(c(1 - e.re, -e.im), c(1 - ge.re, -ge.im)));
      const lg = clog(div(c(1 - ge.re, -ge.im), c(one.re - g.re, -g.im)));
      const C = c((p.kappa * p.theta) / (p.nu * p.nu) * (bm.re * T - 2 * lg.re), (p.kappa * p.theta) / (p.nu * p.nu) * (bm.im * T - 2 * lg.im));
      expect(L.re[j]).toBeCloseTo(C.re + p.v0 * D.re, 5);
      expect(L.im[j]).toBeCloseTo(C.im + p.v0 * D.im, 5);
    });
  });

  it('is a martingale: E[S_T] = F (log-MGF at w = 1 vanishes) and the MGF at 0 is 1', () => {
    const L = logMgf(standard, 1, { re: Float64Array.of(0, 1), im: Float64Array.of(0, 0) }, 200);
    expect(Math.abs(L.re[0])).toBeLessThan(1e-14);
    expect(Math.abs(L.re[1])).toBeLessThan(1e-12);
  });

  it('the graded-mesh Riccati solver converges as n^-2 to the exact solution of the linear equation (Mittag-Leffler), and its kernel sum of exponentials holds to 1e-10', () => {
    // D^alpha psi = c0 + c1 psi, psi(0) = 0 has psi(t) = c0 t^alpha E_{alpha,alpha+1}(c1 t^alpha) (Mittag-Leffler series)
    const exact = (alpha: number, c0: number, c1re: number, c1im: number) => {
      let [pr, pi, sr, si] = [1, 0, 0, 0];
      for (let k = 0; k < 160; k++) {
        const g = gammaFn(alpha * k + alpha + 1);
        sr += pr / g;
        si += pi / g;
        [pr, pi] = [pr * c1re - pi * c1im, pr * c1im + pi * c1re];
      }
      return { re: c0 * sr, im: c0 * si };
    };
    for (const alpha of [0.55, 0.6, 0.8, 0.95, 1]) {
      const soe = fractionalKernelSoe(alpha, 1e-6, 2);
      // an independent check of the kernel at points the construction did not measure
      for (const t of [1.3e-6, 0.00537, 0.0213, 0.377, 1.234, 1.999]) {
        const s = soe.c.reduce((a, c, j) => a + c * Math.exp(-soe.x[j] * t), 0);
        expect(Math.abs(s / (t ** (alpha - 1) / gammaFn(alpha)) - 1)).toBeLessThan(1e-10);
      }
      const us = [1, 4, 10];
      const m = us.length;
      const batch = { m, c0re: Float64Array.from(us, (u) => -0.5 * (u * u + 0.25)), c0im: new Float64Array(m), c1re: new Float64Array(m).fill(-0.44), c1im: Float64Array.from(us, (u) => -0.28 * u), c2: 0 };
      // both histories: exact product integration (the default up to EXACT_HISTORY_STEPS) and the sum of exponentials
      for (const history of ['exact', 'soe'] as const) {
        const errors = [100, 200].map((n) => {
          const sol = solveFractionalRiccati(batch, alpha, 1, n, history);
          return us.map((_, j) => {
            const e = exact(alpha, batch.c0re[j], batch.c1re[j], batch.c1im[j]);
            return Math.hypot(sol.psiRe[n * m + j] - e.re, sol.psiIm[n * m + j] - e.im) / Math.hypot(e.re, e.im);
          });
        });
        us.forEach((_, j) => {
          expect(errors[1][j]).toBeLessThan(1e-4);
          expect(errors[0][j] / errors[1][j]).toBeGreaterThan(3.5);
          expect(errors[0][j] / errors[1][j]).toBeLessThan(4.5);
        });
      }
    }
  });

  it('a smile at implied-volatility tolerance 1e-4 is within 1e-4 of a smile priced 1000 times tighter at the strikes held to it, and within its own estimate elsewhere', () => {
    const input = loadSmileParams('examples/rough-heston-quantlib.json');
    for (const T of [0.25, 1]) {
      const F = input.spot * Math.exp(input.rate * T);
      const strikes = Array.from({ length: 12 }, (_, i) => F * Math.exp(-0.4 + (0.7 * i) / 11));
      const smile = computeSmile(input, T, strikes);
      expect(smile.target).toEqual({ ivTol: 1e-4 });
      expect(smile.ivError).toBeLessThan(1e-4);
      const ref = forwardCalls(input.model, T, F, strikes, { tol: 1e-7 * F, maxSteps: 100_000 });
      // the far right wing at T = 0.25 (vega below 1% of the at-the-money vega) is held to a price tolerance only
      expect(smile.held).toBe(T === 1 ? 12 : 11);
      smile.rows.forEach((r, i) => {
        const err = Math.abs(r.impliedVol - impliedVol(F, strikes[i], T, ref.calls[i]));
        if (r.held) expect(err).toBeLessThan(1e-4);
        expect(err).toBeLessThan(Math.max(r.ivError, 1e-5));
      });
    }
  });

  it('a strongly skewed rough smile (H = 0.05, nu = 1, rho = -0.9) meets its implied-vol target, by its estimate and against a reference 100 times tighter', () => {
    const model = normalize({ parametrization: 'standard', H: 0.05, nu: 1, rho: -0.9, kappa: 0.5, theta: 0.06, v0: 0.03 });
    for (const T of [0.01, 1]) {
      const sd = Math.sqrt(0.03 * T);
      const strikes = Array.from({ length: 20 }, (_, i) => 100 * Math.exp(sd * (-3 + (5 * i) / 19)));
      const smile = computeSmile({ model, spot: 100, rate: 0, dividend: 0 }, T, strikes);
      expect(smile.held).toBeGreaterThanOrEqual(17);
      expect(smile.ivError).toBeLessThan(1e-4);
      const ref = forwardCalls(model, T, 100, strikes, { tol: 1e-8 * 100, maxSteps: 100_000 });
      smile.rows.forEach((r, i) => {
        if (r.held) expect(Math.abs(r.impliedVol - impliedVol(100, strikes[i], T, ref.calls[i]))).toBeLessThan(1e-4);
      });
    }
  });

  it('the Fourier sum over many strikes (its cos/sin tables made block by block) gives each strike the same price as a short list with the same nodes', () => {
    const F = 100;
    const many = Array.from({ length: 12001 }, (_, i) => F * Math.exp(-0.4 + (0.7 * i) / 12000));
    const few = many.filter((_, i) => i % 1000 === 0);
    const a = forwardCalls(standard, 0.5, F, many, { tol: 1e-6, steps: 64 });
    const b = forwardCalls(standard, 0.5, F, few, { tol: 1e-6, steps: 64 });
    // the same truncation and nodes (the list's ends are the same), and tables of more than two blocks
    expect([a.plan.uMax, a.plan.nodes]).toEqual([b.plan.uMax, b.plan.nodes]);
    expect(a.plan.nodes * many.length).toBeGreaterThan(2 ** 21);
    few.forEach((_, i) => expect(a.calls[1000 * i]).toBe(b.calls[i]));
  });

  it('the product-integration weights integrate linear functions exactly: I^beta 1 = t^beta / Gamma(beta + 1), I^beta s = t^(beta+1) / Gamma(beta + 2)', () => {
    const t = Float64Array.from({ length: 41 }, (_, k) => 1.7 * (k / 40) ** 2);
    for (const beta of [0.6, 1, 1.6]) {
      for (const r of [1, 7, 40]) {
        const w = productWeights(beta, t, r);
        expect(w.length).toBe(r + 1);
        const one = w.reduce((a, x) => a + x, 0);
        const lin = w.reduce((a, x, i) => a + x * t[i], 0);
        expect(Math.abs(one / (t[r] ** beta / gammaFn(beta + 1)) - 1)).toBeLessThan(1e-13);
        expect(Math.abs(lin / (t[r] ** (beta + 1) / gammaFn(beta + 2)) - 1)).toBeLessThan(1e-13);
      }
    }
  });

  it('the exact and the sum-of-exponentials histories give the same solution to the accuracy of the sum', () => {
    const m = 6;
    const batch = { m, c0re: Float64Array.from({ length: m }, (_, j) => -0.5 * (4 * j * j + 0.25)), c0im: Float64Array.from({ length: m }, (_, j) => -j), c1re: new Float64Array(m).fill(-0.3), c1im: Float64Array.from({ length: m }, (_, j) => -0.28 * 2 * j), c2: 0.08 };
    const a = solveFractionalRiccati(batch, 0.6, 0.5, 64, 'exact');
    const b = solveFractionalRiccati(batch, 0.6, 0.5, 64, 'soe');
    for (let i = 0; i < a.psiRe.length; i++) {
      const scale = Math.hypot(a.psiRe[i], a.psiIm[i]) + 1e-3;
      expect(Math.hypot(a.psiRe[i] - b.psiRe[i], a.psiIm[i] - b.psiIm[i]) / scale).toBeLessThan(1e-7);
    }
  });

  it('Black-Scholes implied volatility inverts Black prices, and rejects arbitrageable prices', () => {
    for (const [K, s] of [[60, 0.35], [100, 0.2], [150, 0.15], [100, 1.5]]) {
      expect(impliedVol(100, K, 0.7, blackCall(100, K, 0.7, s))).toBeCloseTo(s, 10);
      // from a starting guess, near or far (outside the bracket it is ignored), the same volatility
      for (const guess of [s * 1.01, 0.05, 3]) expect(Math.abs(impliedVol(100, K, 0.7, blackCall(100, K, 0.7, s), guess) - s)).toBeLessThan(1e-10);
    }
    expect(impliedVol(100, 90, 1, 9.5)).toBeNaN();
    expect(impliedVol(100, 90, 1, 100.5)).toBeNaN();
  });

  it('reports non-convergence instead of returning numbers', () => {
    expect(() => forwardCalls(standard, 1, 100, [100], { tol: 1e-13, maxSteps: 400 })).toThrow(/did not converge/);
    expect(() => forwardCalls(standard, 1, 100, [100, -5], { tol: 1e-3 })).toThrow(VmotError);
  });

  it('rejects inconsistent parameter files, naming the field', () => {
    expect(() => parseWith(roughHestonFields, { parametrization: 'standard', H: 0.1, nu: 0.4, rho: -0.7, v0: 0.04, theta: 0.04, forwardVariance: 0.04 }, 'p')).toThrow(/p.forwardVariance/);
    expect(() => parseWith(roughHestonFields, { parametrization: 'standard', H: 0.7, nu: 0.4, rho: -0.7, v0: 0.04, theta: 0.04 }, 'p')).toThrow(/p.H: must be in \(0, 0.5\]/);
    expect(() => parseWith(roughHestonFields, { parametrization: 'el-euch-rosenbaum', H: 0.1, nu: 0.4, rho: -0.7, v0: 0.04, theta: 0.04 }, 'p')).toThrow(/p.lambda/);
    expect(() => parseWith(roughHestonFields, { parametrization: 'standard', H: 0.1, nu: 0.4, rho: -0.7, v0: 0.04 }, 'p')).toThrow(/p.theta/);
  });
});
