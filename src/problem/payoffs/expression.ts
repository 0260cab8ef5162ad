import { createRequire } from 'node:module';
import type * as MathJs from 'mathjs';
import { z } from 'zod';
import { VmotError } from '../../core/errors.js';
import type { Built, Dims, PathFn } from './types.js';

export const expressionSchema = z.strictObject({ type: z.literal('expression'), expr: z.string({ error: 'must be a string' }) });

/** Longest expression accepted (characters): parsing and evaluation stay fast and within the stack. */
const MAX_EXPRESSION = 10_000;

const EXPR_FUNCTIONS = new Set(['max', 'min', 'abs', 'exp', 'log', 'sqrt', 'pow', 'sign']);
const EXPR_OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus', 'smaller', 'larger', 'smallerEq', 'largerEq']);

/** mathjs, loaded on the first expression payoff: it takes about a second to load, which no other command should wait for. */
let mathjs: typeof MathJs | undefined;
const loadMath = (): typeof MathJs => (mathjs ??= createRequire(import.meta.url)('mathjs') as typeof MathJs);

/** An arithmetic expression over s[t][i] (and x[i] = s[0][i], y[i] = s[1][i] when T = 2), 0-based, parsed by mathjs (never eval). */
export function expression(p: z.output<typeof expressionSchema>, dims: Dims, at: string): Built {
  const path = `${at}.expr`;
  if (p.expr.length > MAX_EXPRESSION) throw new VmotError(`has ${p.expr.length} characters; at most ${MAX_EXPRESSION}`, path);
  try {
    return compileExpression(p.expr, dims, path);
  } catch (e) {
    // parsing, checking and evaluating recurse over the expression tree
    if (e instanceof RangeError) throw new VmotError('is nested too deeply', path);
    throw e;
  }
}

function compileExpression(expr: string, dims: Dims, path: string): Built {
  const math = loadMath();
  let node: MathJs.MathNode;
  try {
    node = math.parse(expr);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new VmotError(`cannot parse: ${(e as Error).message}`, path);
  }
  const vars = dims.T === 2 ? ['s', 'x', 'y'] : ['s'];
  const dates = new Set<number>();
  node.traverse((n, _p, parent) => {
    if (n.type === 'AccessorNode') {
      const acc = n as MathJs.AccessorNode;
      const name = acc.object.type === 'SymbolNode' ? (acc.object as MathJs.SymbolNode).name : '';
      const first = acc.index.dimensions[0];
      if (name === 'x' || name === 'y') dates.add(name === 'x' ? 0 : 1);
      else if (name === 's') {
        if (first?.type === 'ConstantNode' && typeof (first as MathJs.ConstantNode).value === 'number') dates.add((first as MathJs.ConstantNode).value as number);
        else for (let t = 0; t < dims.T; t++) dates.add(t);
      }
    }
    if (n.type === 'SymbolNode') {
      const name = (n as MathJs.SymbolNode).name;
      const isCallee = parent?.type === 'FunctionNode' && (parent as MathJs.FunctionNode).fn === n;
      if (isCallee ? !EXPR_FUNCTIONS.has(name) : !vars.includes(name))
        throw new VmotError(`unknown ${isCallee ? 'function' : 'variable'} "${name}" (allowed: ${isCallee ? [...EXPR_FUNCTIONS].join(', ') : vars.join(', ')})`, path);
    } else if (n.type === 'OperatorNode') {
      if (!EXPR_OPERATORS.has((n as MathJs.OperatorNode).fn)) throw new VmotError(`operator "${(n as MathJs.OperatorNode).op}" is not allowed`, path);
    } else if (!['FunctionNode', 'AccessorNode', 'IndexNode', 'ConstantNode', 'ParenthesisNode', 'ConditionalNode'].includes(n.type)) {
      throw new VmotError(`${n.type} is not allowed in a payoff expression`, path);
    }
  });
  // the problem file indexes from 0 and writes s[t][i]; mathjs indexes from 1 and reads a matrix entry as s[t, i]
  const shifted = node
    .transform((n) =>
      n.type === 'IndexNode'
        ? new math.IndexNode((n as MathJs.IndexNode).dimensions.map((dim) => new math.OperatorNode('+', 'add', [dim, new math.ConstantNode(1)])))
        : n,
    )
    .transform((n) => {
      const inner = n.type === 'AccessorNode' ? (n as MathJs.AccessorNode).object : undefined;
      if (inner?.type !== 'AccessorNode' || (inner as MathJs.AccessorNode).object.type !== 'SymbolNode') return n;
      const dims = [...(inner as MathJs.AccessorNode).index.dimensions, ...(n as MathJs.AccessorNode).index.dimensions];
      return new math.AccessorNode((inner as MathJs.AccessorNode).object, new math.IndexNode(dims));
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
    throw e instanceof VmotError || e instanceof RangeError ? e : new VmotError(`cannot evaluate: ${(e as Error).message}`, path);
  }
  return { label: `expression(${expr})`, value, dates: [...dates].sort((a, b) => a - b) };
}
