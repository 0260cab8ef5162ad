import * as math from 'mathjs';
import { VmotError } from '../errors.js';

/** Path of prices: s[t * d + i] is asset i at date t. */
export type PathFn = (s: Float64Array) => number;

/** Super/submodularity in the asset prices of one date (d = 2): the sign of the mixed difference. */
export type Modularity = 'super' | 'sub' | 'modular' | 'unknown';

/** What the payoff is as a function of the path: used by `auto` to decide whether the reduced form is exact. */
export interface Structure {
  /** c(s) = sum_t c_t(s_t): no term couples two dates. */
  separable: boolean;
  /** Per date: modularity of c_t in (s_t1, s_t2). Meaningful for d = 2 only. */
  modularity: Modularity[];
}

export interface Payoff {
  readonly label: string;
  readonly value: PathFn;
  /** The problem-file spec it was built from. */
  readonly spec: PayoffSpec;
  /** The dates whose prices the payoff reads. */
  readonly dates: number[];
  /** Known from the payoff type, or undefined when it must be checked numerically. */
  readonly structure?: Structure;
}

export interface PayoffSpec {
  type: string;
  [k: string]: unknown;
}

interface Dims {
  T: number;
  d: number;
}

const flip = (m: Modularity): Modularity => (m === 'super' ? 'sub' : m === 'sub' ? 'super' : m);

/** Modularity of a sum of two terms. */
function addModularity(a: Modularity, b: Modularity): Modularity {
  if (a === 'modular') return b;
  if (b === 'modular') return a;
  return a === b ? a : 'unknown';
}

function singleDate(dims: Dims, date: number, m: Modularity): Structure {
  return { separable: true, modularity: Array.from({ length: dims.T }, (_, t) => (t === date ? m : 'modular')) };
}

const signModularity = (x: number): Modularity => (x > 0 ? 'super' : x < 0 ? 'sub' : 'modular');

function field<T>(spec: PayoffSpec, name: string, path: string, check: (v: unknown) => v is T, what: string): T {
  const v = spec[name];
  if (!check(v)) throw new VmotError(`must be ${what}`, `${path}.${name}`);
  return v;
}
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumArr = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isMatrix = (v: unknown): v is number[][] => Array.isArray(v) && v.every(isNumArr);
const isStr = (v: unknown): v is string => typeof v === 'string';

function dateField(spec: PayoffSpec, name: string, path: string, dims: Dims): number {
  const t = field(spec, name, path, isNum, 'a date index');
  if (!Number.isInteger(t) || t < 0 || t >= dims.T) throw new VmotError(`must be an integer date in 0..${dims.T - 1}`, `${path}.${name}`);
  return t;
}

function weightsField(spec: PayoffSpec, path: string, dims: Dims): number[] {
  const w = field(spec, 'weights', path, isNumArr, 'an array of numbers');
  if (w.length !== dims.d) throw new VmotError(`has ${w.length} entries, the problem has d = ${dims.d} assets`, `${path}.weights`);
  return w;
}

const PAYOFF_TYPES = [
  'quadratic',
  'basket-call',
  'basket-put',
  'max-call',
  'max-put',
  'min-call',
  'min-put',
  'forward-start',
  'expression',
  'sum',
] as const;

/** Builds a payoff from its JSON spec (see README "Problem file"); `path` names the field in errors. */
export function buildPayoff(spec: unknown, dims: Dims, path = 'payoff'): Payoff {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new VmotError('must be an object with a "type"', path);
  return { ...buildTyped(spec as PayoffSpec, dims, path), spec: spec as PayoffSpec };
}

type Built = Omit<Payoff, 'spec'>;

function buildTyped(p: PayoffSpec, dims: Dims, path: string): Built {
  const { d } = dims;
  switch (p.type) {
    case 'quadratic': {
      // sum_ij M_ij s_i s_j at one date (cost (2.4)/(2.7))
      const t = dateField(p, 'date', path, dims);
      const M = field(p, 'matrix', path, isMatrix, 'a d x d matrix of numbers');
      if (M.length !== d || M.some((r) => r.length !== d)) throw new VmotError(`must be ${d} x ${d}`, `${path}.matrix`);
      const o = t * d;
      return {
        label: `quadratic(date ${t})`,
        dates: [t],
        value: (s) => {
          let v = 0;
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) v += M[i][j] * s[o + i] * s[o + j];
          return v;
        },
        structure: singleDate(dims, t, d === 2 ? signModularity(M[0][1] + M[1][0]) : 'unknown'),
      };
    }
    case 'basket-call':
    case 'basket-put': {
      const t = dateField(p, 'date', path, dims);
      const w = weightsField(p, path, dims);
      const k = field(p, 'strike', path, isNum, 'a number');
      const call = p.type === 'basket-call';
      const o = t * d;
      return {
        label: `${p.type}(date ${t}, K=${k})`,
        dates: [t],
        value: (s) => {
          let b = 0;
          for (let i = 0; i < d; i++) b += w[i] * s[o + i];
          return Math.max(0, call ? b - k : k - b);
        },
        // g(w.s) with g convex: mixed difference has the sign of w1 w2
        structure: singleDate(dims, t, d === 2 ? signModularity(w[0] * w[1]) : 'unknown'),
      };
    }
    case 'max-call':
    case 'max-put':
    case 'min-call':
    case 'min-put': {
      const t = dateField(p, 'date', path, dims);
      const k = field(p, 'strike', path, isNum, 'a number');
      const isMax = p.type.startsWith('max');
      const call = p.type.endsWith('call');
      const o = t * d;
      // g(max) is submodular for g increasing, supermodular for g decreasing; the reverse for min
      const m: Modularity = isMax === call ? 'sub' : 'super';
      return {
        label: `${p.type}(date ${t}, K=${k})`,
        dates: [t],
        value: (s) => {
          let e = s[o];
          for (let i = 1; i < d; i++) e = isMax ? Math.max(e, s[o + i]) : Math.min(e, s[o + i]);
          return Math.max(0, call ? e - k : k - e);
        },
        structure: singleDate(dims, t, d === 2 ? m : 'unknown'),
      };
    }
    case 'forward-start': {
      const a = field(p, 'asset', path, isNum, 'an asset index');
      if (!Number.isInteger(a) || a < 0 || a >= d) throw new VmotError(`must be an integer asset in 0..${d - 1}`, `${path}.asset`);
      const from = dateField(p, 'from', path, dims);
      const to = dateField(p, 'to', path, dims);
      if (to <= from) throw new VmotError(`must be a later date than "from" (${from})`, `${path}.to`);
      const k = field(p, 'strike', path, isNum, 'a number');
      const kind = field(p, 'kind', path, isStr, '"call", "put" or "straddle"');
      if (!['call', 'put', 'straddle'].includes(kind)) throw new VmotError('must be "call", "put" or "straddle"', `${path}.kind`);
      const i0 = from * d + a;
      const i1 = to * d + a;
      return {
        label: `forward-start ${kind}(asset ${a}, ${from}->${to}, K=${k})`,
        dates: [from, to],
        value: (s) => {
          const z = s[i1] - k * s[i0];
          return kind === 'call' ? Math.max(0, z) : kind === 'put' ? Math.max(0, -z) : Math.abs(z);
        },
        structure: { separable: false, modularity: Array(dims.T).fill('unknown') },
      };
    }
    case 'expression':
      return expressionPayoff(field(p, 'expr', path, isStr, 'a string'), dims, `${path}.expr`);
    case 'sum': {
      const terms = p.terms;
      if (!Array.isArray(terms) || terms.length === 0) throw new VmotError('must be a non-empty array of {weight, payoff}', `${path}.terms`);
      const parts = terms.map((term, j) => {
        const tp = `${path}.terms[${j}]`;
        if (typeof term !== 'object' || term === null) throw new VmotError('must be an object {weight, payoff}', tp);
        const w = (term as Record<string, unknown>).weight ?? 1;
        if (!isNum(w)) throw new VmotError('must be a number', `${tp}.weight`);
        return { w, payoff: buildPayoff((term as Record<string, unknown>).payoff, dims, `${tp}.payoff`) };
      });
      let structure: Structure | undefined = { separable: true, modularity: Array(dims.T).fill('modular') };
      for (const { w, payoff } of parts) {
        if (!payoff.structure || !structure) {
          structure = undefined;
          continue;
        }
        const ps = payoff.structure;
        structure = {
          separable: structure.separable && ps.separable,
          modularity: structure.modularity.map((m, t) => addModularity(m, w >= 0 ? ps.modularity[t] : flip(ps.modularity[t]))),
        };
      }
      return {
        label: parts.map(({ w, payoff }) => `${w}*${payoff.label}`).join(' + '),
        dates: [...new Set(parts.flatMap(({ payoff }) => payoff.dates))].sort((a, b) => a - b),
        value: (s) => {
          let v = 0;
          for (const { w, payoff } of parts) v += w * payoff.value(s);
          return v;
        },
        structure,
      };
    }
    default:
      throw new VmotError(`unknown payoff type ${JSON.stringify(p.type)}; known: ${PAYOFF_TYPES.join(', ')}`, `${path}.type`);
  }
}

const EXPR_FUNCTIONS = new Set(['max', 'min', 'abs', 'exp', 'log', 'sqrt', 'pow', 'sign']);
const EXPR_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus', 'smaller', 'larger', 'smallerEq', 'largerEq']);

/** An arithmetic expression over s[t][i] (and x[i] = s[0][i], y[i] = s[1][i] when T = 2), 0-based, parsed by mathjs. */
function expressionPayoff(expr: string, dims: Dims, path: string): Built {
  let node: math.MathNode;
  try {
    node = math.parse(expr);
  } catch (e) {
    throw new VmotError(`cannot parse: ${(e as Error).message}`, path);
  }
  const vars = dims.T === 2 ? ['s', 'x', 'y'] : ['s'];
  const dates = new Set<number>();
  node.traverse((n, _p, parent) => {
    if (n.type === 'AccessorNode') {
      const acc = n as math.AccessorNode;
      const name = acc.object.type === 'SymbolNode' ? (acc.object as math.SymbolNode).name : '';
      const first = acc.index.dimensions[0];
      if (name === 'x' || name === 'y') dates.add(name === 'x' ? 0 : 1);
      else if (name === 's') {
        if (first?.type === 'ConstantNode' && typeof (first as math.ConstantNode).value === 'number') dates.add((first as math.ConstantNode).value as number);
        else for (let t = 0; t < dims.T; t++) dates.add(t);
      }
    }
    if (n.type === 'SymbolNode') {
      const name = (n as math.SymbolNode).name;
      const isCallee = parent?.type === 'FunctionNode' && (parent as math.FunctionNode).fn === n;
      if (isCallee ? !EXPR_FUNCTIONS.has(name) : !vars.includes(name))
        throw new VmotError(`unknown ${isCallee ? 'function' : 'variable'} "${name}" (allowed: ${isCallee ? [...EXPR_FUNCTIONS].join(', ') : vars.join(', ')})`, path);
    } else if (n.type === 'OperatorNode') {
      if (!EXPR_OPERATORS.has((n as math.OperatorNode).fn)) throw new VmotError(`operator "${(n as math.OperatorNode).op}" is not allowed`, path);
    } else if (!['FunctionNode', 'AccessorNode', 'IndexNode', 'ConstantNode', 'ParenthesisNode', 'ConditionalNode'].includes(n.type)) {
      throw new VmotError(`${n.type} is not allowed in a payoff expression`, path);
    }
  });
  // the problem file indexes from 0 and writes s[t][i]; mathjs indexes from 1 and reads a matrix entry as s[t, i]
  const shifted = node
    .transform((n) =>
      n.type === 'IndexNode'
        ? new math.IndexNode((n as math.IndexNode).dimensions.map((dim) => new math.OperatorNode('+', 'add', [dim, new math.ConstantNode(1)])))
        : n,
    )
    .transform((n) => {
      const inner = n.type === 'AccessorNode' ? (n as math.AccessorNode).object : undefined;
      if (inner?.type !== 'AccessorNode' || (inner as math.AccessorNode).object.type !== 'SymbolNode') return n;
      const dims = [...(inner as math.AccessorNode).index.dimensions, ...(n as math.AccessorNode).index.dimensions];
      return new math.AccessorNode((inner as math.AccessorNode).object, new math.IndexNode(dims));
    });
  const code = shifted.compile();
  const { T, d } = dims;
  const rows = Array.from({ length: T }, () => new Array<number>(d).fill(0));
  const scope = { s: rows, x: rows[0], y: rows[Math.min(1, T - 1)] };
  const value: PathFn = (s) => {
    for (let t = 0; t < T; t++) for (let i = 0; i < d; i++) rows[t][i] = s[t * d + i];
    const v = code.evaluate(scope);
    if (typeof v !== 'number') throw new VmotError('must evaluate to a number', path);
    return v;
  };
  const probe = new Float64Array(T * d).fill(1);
  try {
    value(probe);
  } catch (e) {
    throw e instanceof VmotError ? e : new VmotError(`cannot evaluate: ${(e as Error).message}`, path);
  }
  return { label: `expression(${expr})`, value, dates: [...dates].sort((a, b) => a - b) };
}
