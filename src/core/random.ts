import seedrandom from 'seedrandom';

/** Seeded uniform generator on the open interval (0,1); every random draw of vmot goes through one. */
export class Rng {
  private readonly gen: seedrandom.PRNG;
  constructor(readonly seed: number | string) {
    this.gen = seedrandom.alea(String(seed));
  }
  /** Uniform on (0,1), never exactly 0 or 1. */
  uniform(): number {
    let u = this.gen.double();
    while (u <= 0 || u >= 1) u = this.gen.double();
    return u;
  }
  /** Fills `out` with uniforms on (0,1). */
  fillUniform(out: Float64Array | Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
  }
  /** A child generator with an independent stream (derived seed). */
  child(tag: string): Rng {
    return new Rng(`${this.seed}/${tag}`);
  }
  /** Standard normal draw (Box-Muller). */
  normal(): number {
    const u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
