// Reference elementwise kernels: unary maps, broadcasting binary ops and where.
// One generic loop per kernel over any typed array; scalar functions come from one table each.

import type { TypedArray } from "../../tensor/dtype.js";
import type { BinaryOp, UnaryOp } from "../backend.js";
import { erf, roundHalfEven, sigmoid } from "./scalarMath.js";
import { broadcastStrides } from "../../tensor/shape.js";

type Unary = (x: number, a: number, b: number) => number;

const unaryFns: { [K in UnaryOp]: Unary } = {
  copy: (x) => x,
  cast: (x) => x,
  neg: (x) => -x,
  abs: Math.abs,
  // NaN gives 0, as torch.sign, which computes (0 < x) - (x < 0)
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  leakyRelu: (x, a) => (x > 0 ? x : x * a),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  softplus: (x, beta, threshold) => (x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta),
  clamp: (x, lo, hi) => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi)),
  powScalar: cPow,
};

export function unary(op: UnaryOp, x: TypedArray, out: TypedArray, a = 0, b = 0): void {
  const n = x.length;
  if (out instanceof Uint8Array && (op === "cast" || op === "copy")) {
    for (let i = 0; i < n; i++) out[i] = x[i] !== 0 ? 1 : 0; // NaN != 0, so NaN casts to true
    return;
  }
  if (out instanceof Int32Array && (op === "square" || (op === "powScalar" && Number.isInteger(a)))) {
    // integer products wrap as C's: a float product past 2^53 has lost the bits the wrap keeps
    for (let i = 0; i < n; i++) out[i] = op === "square" ? Math.imul(x[i]!, x[i]!) : intPow(x[i]!, a);
    return;
  }
  if (unaryRun(op, x, out, n)) return;
  const f = unaryFns[op];
  for (let i = 0; i < n; i++) out[i] = f(x[i]!, a, b);
}

/**
 * The unary maps training runs most, as direct loops (no call per element through the table
 * above; the same results, since they compute the same expressions).
 */
function unaryRun(op: UnaryOp, x: TypedArray, out: TypedArray, n: number): boolean {
  switch (op) {
    case "copy":
    case "cast":
      for (let i = 0; i < n; i++) out[i] = x[i]!;
      return true;
    case "neg":
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return true;
    case "exp":
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return true;
    case "log":
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return true;
    case "sqrt":
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return true;
    case "square":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return true;
    case "abs":
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return true;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return true;
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 || v !== v ? v : 0;
      }
      return true;
    case "sigmoid":
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
      return true;
    default:
      return false;
  }
}

/** Comparisons into bool storage as direct loops, for equal lengths or a scalar right operand. */
function compareRun(op: BinaryOp, a: TypedArray, b: TypedArray, out: TypedArray, n: number): boolean {
  if (a.length !== n || (b.length !== n && b.length !== 1)) return false;
  const sb = b.length === n ? 1 : 0;
  switch (op) {
    case "gt":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! > b[j]!);
      return true;
    case "ge":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! >= b[j]!);
      return true;
    case "lt":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! < b[j]!);
      return true;
    case "le":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! <= b[j]!);
      return true;
    case "eq":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! === b[j]!);
      return true;
    case "ne":
      for (let i = 0, j = 0; i < n; i++, j += sb) out[i] = +(a[i]! !== b[j]!);
      return true;
    default:
      return false;
  }
}

type Binary = (x: number, y: number) => number;

/**
 * a ** b in int32 as PyTorch's integer pow: exponentiation by squaring that wraps like C integers
 * (a float power loses the low bits past 2^53 before the wrap), and for a negative exponent 1 for
 * a base of 1, +-1 for -1, else 0 (the integer part of the reciprocal).
 */
export function intPow(a: number, e: number): number {
  if (e < 0) return a === 1 ? 1 : a === -1 ? (e & 1 ? -1 : 1) : 0;
  let r = 1;
  for (let b = a | 0; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
  }
  return r;
}

/** C's pow where JS's differs: 1 ** y and x ** 0 are 1 even for NaN y, and (-1) ** +-inf is 1. */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/**
 * floor(a / b) as PyTorch's div_floor_floating: from fmod, so the quotient agrees with the
 * remainder (1 // -inf is -1, not -0), IEEE a / b for a zero divisor, and a zero quotient keeps the
 * sign of a / b. `round` rounds each step to the storage's precision (Math.fround for float32).
 */
function floorDivide(a: number, b: number, round: (v: number) => number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = round(round(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = round(div - 1);
  if (div === 0) {
    const q = a / b;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  let fl = Math.floor(div);
  if (div - fl > 0.5) fl += 1;
  return fl;
}

/** Python-style modulo: the result has the divisor's sign (torch.remainder). */
const remainder: Binary = (x, y) => {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
};

const binaryFns: { [K in BinaryOp]: Binary } = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: cPow,
  // NaN propagates, as torch.maximum / minimum
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  atan2: Math.atan2,
  remainder,
  floorDivide: (x, y) => floorDivide(x, y, (v) => v),
  reluGrad: (x, y) => (y <= 0 ? 0 : x),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  logicalAnd: (x, y) => (x !== 0 && y !== 0 ? 1 : 0),
  logicalOr: (x, y) => (x !== 0 || y !== 0 ? 1 : 0),
  logicalXor: (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0),
};

/**
 * Visit every output position in row-major order with the matching offsets into each operand.
 * The innermost dim runs as a plain loop; the outer dims advance like an odometer.
 */
function forEachBroadcast(
  outShape: readonly number[],
  operandShapes: readonly (readonly number[])[],
  body: (o: number, offs: number[], innerStrides: number[], len: number) => void,
): void {
  const nd = outShape.length;
  const strides = operandShapes.map((s) => broadcastStrides(s, outShape));
  const len = nd === 0 ? 1 : outShape[nd - 1]!;
  const inner = strides.map((st) => (nd === 0 ? 0 : st[nd - 1]!));
  let total = 1;
  for (const d of outShape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const offs = strides.map(() => 0);
  for (let o = 0; o < total; o += len) {
    body(o, offs, inner, len);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < offs.length; k++) offs[k]! += strides[k]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let k = 0; k < offs.length; k++) offs[k]! -= strides[k]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * The four arithmetic ops as direct loops over strided runs, without a function call per
 * element: they dominate training time. Same results as the table above.
 */
function arithRun(
  op: BinaryOp,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  o: number,
  len: number,
): boolean {
  switch (op) {
    case "add":
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = a[ia]! + b[ib]!;
      return true;
    case "sub":
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = a[ia]! - b[ib]!;
      return true;
    case "mul":
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = a[ia]! * b[ib]!;
      return true;
    case "div":
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = a[ia]! / b[ib]!;
      return true;
    case "reluGrad":
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = b[ib]! <= 0 ? 0 : a[ia]!;
      return true;
    default:
      return false;
  }
}

export function binary(
  op: BinaryOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): void {
  const n = out.length;
  /** out = f(a, b) over the broadcast, one run of the innermost dim at a time. */
  const broadcastApply = (f: Binary): void =>
    forEachBroadcast(outShape, [aShape, bShape], (o, offs, st, len) => {
      let ia = offs[0]!,
        ib = offs[1]!;
      const sa = st[0]!,
        sb = st[1]!;
      for (let j = 0; j < len; j++, ia += sa, ib += sb) out[o + j] = f(a[ia]!, b[ib]!);
    });
  if (out instanceof Int32Array && (op === "mul" || op === "pow")) {
    // integer products wrap as C's (Math.imul), not after a float product that lost the low bits
    return broadcastApply(op === "mul" ? Math.imul : intPow);
  }
  if (out instanceof Float32Array && op === "floorDivide") return broadcastApply((x, y) => floorDivide(x, y, Math.fround));
  if (!(out instanceof Uint8Array)) {
    if (a.length === n && b.length === n && arithRun(op, a, 0, 1, b, 0, 1, out, 0, n)) return;
    if (a.length === n && b.length === 1 && arithRun(op, a, 0, 1, b, 0, 0, out, 0, n)) return;
    if (op === "add" || op === "sub" || op === "mul" || op === "div" || op === "reluGrad") {
      // b one value per row of a (a softmax's backward: [R, C] op [R, 1]) or one row for all
      // rows (a bias): plain runs, without the odometer and its closure per row
      const len = outShape.length === 0 ? 1 : outShape[outShape.length - 1]!;
      if (a.length === n && len > 0 && bShape.length === outShape.length && bShape[bShape.length - 1] === 1 && b.length * len === n) {
        for (let r = 0, o = 0; o < n; r++, o += len) arithRun(op, a, o, 1, b, r, 0, out, o, len);
        return;
      }
      if (a.length === n && len > 0 && b.length === len && bShape[bShape.length - 1] === len) {
        for (let o = 0; o < n; o += len) arithRun(op, a, o, 1, b, 0, 1, out, o, len);
        return;
      }
      forEachBroadcast(
        outShape,
        [aShape, bShape],
        (o, offs, st, len) => void arithRun(op, a, offs[0]!, st[0]!, b, offs[1]!, st[1]!, out, o, len),
      );
      return;
    }
  }
  if (out instanceof Uint8Array && compareRun(op, a, b, out, n)) return;
  const raw = binaryFns[op];
  // bool storage holds only 0 or 1: True + True is True in PyTorch, not 2
  const f: Binary = out instanceof Uint8Array ? (x, y) => (raw(x, y) !== 0 ? 1 : 0) : raw;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  if (a.length === n && b.length === 1) {
    const y = b[0]!;
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, y);
    return;
  }
  broadcastApply(f);
}

export function where(
  cond: Uint8Array,
  condShape: readonly number[],
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): void {
  forEachBroadcast(outShape, [condShape, aShape, bShape], (o, offs, st, len) => {
    let ic = offs[0]!,
      ia = offs[1]!,
      ib = offs[2]!;
    const sc = st[0]!,
      sa = st[1]!,
      sb = st[2]!;
    for (let j = 0; j < len; j++, ic += sc, ia += sa, ib += sb) out[o + j] = cond[ic] ? a[ia]! : b[ib]!;
  });
}
