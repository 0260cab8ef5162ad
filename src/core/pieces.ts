/**
 * Work done a piece at a time: a generator that yields between pieces and returns its result. An engine can run the
 * pieces of the caller's next batch while its own threads compute (Engine.step's `work`).
 */
export type Pieces<T> = Generator<void, T, void>;

/**
 * Steps through `pieces` one piece per call of `work` (false once none is left), the form an engine takes work in;
 * `result` runs the pieces left and returns the result.
 */
export function stepwise<T>(pieces: Pieces<T>): { work: () => boolean; result: () => T } {
  let value: { v: T } | undefined;
  const work = () => {
    if (value) return false;
    const r = pieces.next();
    if (r.done) value = { v: r.value };
    return !r.done;
  };
  return {
    work,
    result: () => {
      while (work());
      return value!.v;
    },
  };
}
