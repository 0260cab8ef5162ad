import { InvalidArgumentError } from 'commander';

/** Command-line number parsers: a bad value names the option and what it must be. */
export const intArg = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
  return n;
};

export const positiveArg = (name: string) => (v: string) => {
  const x = Number(v);
  if (!(Number.isFinite(x) && x > 0)) throw new InvalidArgumentError(`${name} must be a positive number, got "${v}"`);
  return x;
};
