import type { References } from '../models/references.js';

interface Sides<B> {
  name: string;
  upper?: B;
  lower?: B;
  formulation: string;
  warnings: string[];
  references: References;
  seconds: number;
}

/** Top level of `vmot bounds --json`, shared by the neural and the LP method; `side` renders one bound. */
export function boundsJson<B, S>(r: Sides<B>, backend: string, side: (b: B) => S) {
  return {
    name: r.name,
    upper: r.upper && side(r.upper),
    lower: r.lower && side(r.lower),
    formulation: r.formulation,
    warnings: r.warnings,
    references: r.references,
    backend,
    seconds: r.seconds,
  };
}
