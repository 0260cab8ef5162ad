/** Which bound of the price interval: the upper bound maximises E[c], the lower bound minimises it. */
export type BoundSide = 'upper' | 'lower';

/** Formulation asked for in the problem file; `auto` lets the solver decide (Theorem 3.5 / Corollary 3.6). */
export type Formulation = 'full' | 'reduced' | 'auto';

/** Formulation solved: the dual (2.8)-(2.9) of the full VMOT problem, or the reduced problem (4.3)-(4.10). */
export type FormulationKind = 'full' | 'reduced';

/** First-date map of the reduced form: u -> (F_i^-1(u)) (monotone) or with 1 - u for asset 1 (antitone, Corollary 3.6). */
export type FirstDateMap = 'monotone' | 'antitone';

/** The formulation one bound is solved in, as the solver chose it. */
export interface FormulationChoice {
  kind: FormulationKind;
  map?: FirstDateMap;
  /** Full form, d = 2: the first-date map theta's structured rows follow (src/models/sampler.ts; Theorem 3.5 / Corollary 3.6). */
  thetaMap?: FirstDateMap;
}
