// WebGPU elementwise kernels: unary maps, broadcasting binary ops, where, and strided copies.
// The same results as the reference kernels (reference/elementwise.ts, movement.ts) up to float32
// rounding: floats compute in f32; integer operands of integer ops compute in i32 (wrapping);
// bool is u32 0/1.

import type { BinaryOp, CopyGeometry, Operand, UnaryOp } from "../backend.js";
import { broadcastStrides } from "../../tensor/shape.js";
import type { GpuContext, GpuType } from "./device.js";
import { MATH, convert, main1d } from "./wgsl.js";

const UNARY_F32: Record<UnaryOp, string> = {
  copy: "v",
  cast: "v",
  neg: "-v",
  abs: "abs(v)",
  sign: "select(select(0.0, -1.0, v < 0.0), 1.0, v > 0.0)",
  exp: "exp(v)",
  expm1: "expm1f(v)",
  log: "select(log(v), select(NAN, -bitcast<f32>(0x7f800000u + min(i, 0u)), v == 0.0), v <= 0.0)",
  log1p: "select(log1pf(v), select(NAN, -bitcast<f32>(0x7f800000u + min(i, 0u)), v == -1.0), v <= -1.0)",
  sqrt: "select(sqrt(v), NAN, v < 0.0)",
  rsqrt: "select(1.0 / sqrt(v), NAN, v < 0.0)",
  reciprocal: "1.0 / v",
  square: "v * v",
  sin: "sincosf(v, false)",
  cos: "sincosf(v, true)",
  tanh: "tanhf(v)",
  sigmoid: "sigmoidf(v)",
  erf: "erff(v)",
  floor: "floor(v)",
  ceil: "ceil(v)",
  round: "round(v)",
  trunc: "trunc(v)",
  relu: "select(0.0, v, v > 0.0 || isnanf(v))",
  logicalNot: "select(1.0, 0.0, nonzerof(v))",
  isnan: "select(0.0, 1.0, isnanf(v))",
  isinf: "select(0.0, 1.0, isinff(v))",
  isfinite: "select(1.0, 0.0, isnanf(v) || isinff(v))",
  leakyRelu: "select(v * a, v, v > 0.0 || isnanf(v))",
  elu: "select(a * expm1f(v), v, v > 0.0)",
  softplus: "select(log1pf(exp(v * a)) / a, v, v * a > b)",
  clamp: "select(min(max(v, a), b), v, isnanf(v))",
  powScalar: "powf(v, a)",
};

/** Unary ops computed in i32 when input and output are integers (exact, as the reference's float64 on int32). */
const UNARY_I32: Partial<Record<UnaryOp, string>> = {
  copy: "v",
  cast: "v",
  neg: "-v",
  abs: "abs(v)",
  square: "v * v",
  sign: "sign(v)",
  relu: "max(v, 0i)",
};

/** Ops whose value at NaN is not NaN (or that handle NaN themselves); every other float op gives NaN for NaN. */
const NAN_OWN = new Set<UnaryOp>([
  "copy",
  "cast",
  "sign",
  "logicalNot",
  "isnan",
  "isinf",
  "isfinite",
  "powScalar",
  "relu",
  "clamp",
  "leakyRelu",
]);

export function unary(ctx: GpuContext, op: UnaryOp, x: Operand, out: Operand, a = 0, b = 0): boolean {
  const X = ctx.bind(x),
    O = ctx.bind(out);
  // copy/cast into bool: x != 0 (NaN is true)
  const boolCast = O.type === "u32" && (op === "copy" || op === "cast");
  const intOp = X.type !== "f32" && O.type !== "f32" && UNARY_I32[op] !== undefined;
  const c: GpuType = intOp ? "i32" : "f32";
  const expr = boolCast ? "v" : intOp ? UNARY_I32[op]! : NAN_OWN.has(op) ? UNARY_F32[op] : `select(${UNARY_F32[op]}, NAN, isnanf(v))`;
  const key = `unary:${op}:${X.type}:${O.type}:${boolCast}`;
  const p = ctx.pipeline(
    key,
    () => `${MATH}
@group(0) @binding(0) var<storage, read> x: array<${X.type}>;
@group(0) @binding(1) var<storage, read_write> out: array<${O.type}>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${main1d(
  "p[0]",
  `  let a = bitcast<f32>(p[1]);
  let b = bitcast<f32>(p[2]);
  let v = ${boolCast ? `x[i]` : convert("x[i]", X.type, c)};
  out[i] = ${boolCast ? convert("v", X.type, "u32") : convert(`(${expr})`, c, O.type)};`,
)}`,
  );
  const n = (out as { length: number }).length;
  ctx.dispatch(p, [X.buffer, O.buffer, ctx.params([n], [a, b])], { threads: n }, [out]);
  return true;
}

const BINARY_F32: Record<BinaryOp, string> = {
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  div: "x / y",
  pow: "powf(x, y)",
  maximum: "select(max(x, y), NAN, isnanf(x) || isnanf(y))",
  minimum: "select(min(x, y), NAN, isnanf(x) || isnanf(y))",
  atan2: "atan2(x, y)",
  remainder: "remf(x, y)",
  floorDivide: "floordivf(x, y)",
  reluGrad: "select(x, 0.0, y <= 0.0 && !isnanf(y))",
  eq: "select(0.0, 1.0, !anynan && x == y)",
  ne: "select(1.0, 0.0, !anynan && x == y)",
  lt: "select(0.0, 1.0, !anynan && x < y)",
  le: "select(0.0, 1.0, !anynan && x <= y)",
  gt: "select(0.0, 1.0, !anynan && x > y)",
  ge: "select(0.0, 1.0, !anynan && x >= y)",
  logicalAnd: "select(0.0, 1.0, nonzerof(x) && nonzerof(y))",
  logicalOr: "select(0.0, 1.0, nonzerof(x) || nonzerof(y))",
  logicalXor: "select(0.0, 1.0, nonzerof(x) != nonzerof(y))",
};

const BINARY_I32: Partial<Record<BinaryOp, string>> = {
  add: "x + y",
  sub: "x - y",
  mul: "x * y",
  maximum: "max(x, y)",
  minimum: "min(x, y)",
  remainder: "remi(x, y)",
  floorDivide: "floordivi(x, y)",
  reluGrad: "select(x, 0i, y <= 0i)",
  eq: "select(0i, 1i, x == y)",
  ne: "select(0i, 1i, x != y)",
  lt: "select(0i, 1i, x < y)",
  le: "select(0i, 1i, x <= y)",
  gt: "select(0i, 1i, x > y)",
  ge: "select(0i, 1i, x >= y)",
  logicalAnd: "select(0i, 1i, x != 0i && y != 0i)",
  logicalOr: "select(0i, 1i, x != 0i || y != 0i)",
  logicalXor: "select(0i, 1i, (x != 0i) != (y != 0i))",
};

const BINARY_HELPERS = /* wgsl */ `
fn remf(x: f32, y: f32) -> f32 {
  let r = x - y * trunc(x / y);
  return select(r, r + y, r != 0.0 && ((r < 0.0) != (y < 0.0)));
}
fn remi(x: i32, y: i32) -> i32 {
  if (y == 0i) { return 0i; }
  let r = x % y;
  return select(r, r + y, r != 0i && ((r < 0i) != (y < 0i)));
}
// floor(x / y) as PyTorch's div_floor_floating (the reference's floorDivide): from the
// remainder, so the quotient agrees with it (-5 // inf is -1, inf // 2 is NaN), IEEE x / y for a
// zero divisor, and a zero quotient keeps the sign of x / y
fn floordivf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return x / y; }
  if (isinff(x)) { return NAN; }
  let q = x / y;
  let m = select(x - y * trunc(q), x, isinff(y));
  var d = (x - m) / y;
  if (m != 0.0 && ((y < 0.0) != (m < 0.0))) { d = d - 1.0; }
  if (d == 0.0) { return bitcast<f32>(bitcast<u32>(q) & 0x80000000u); }
  var f = floor(d);
  if (d - f > 0.5) { f = f + 1.0; }
  return f;
}
fn floordivi(x: i32, y: i32) -> i32 {
  if (y == 0i) { return 0i; }
  let q = x / y;
  return select(q, q - 1i, (x % y != 0i) && ((x < 0i) != (y < 0i)));
}
`;

/**
 * The offset of output element `i` in each of `k` broadcast operands: p holds
 * [n, nd, outShape[nd], strides of operand 0 [nd], ..., of operand k-1 [nd]] after `base` words.
 */
function broadcastOffsets(k: number, base: number): string {
  const decl = Array.from({ length: k }, (_, j) => `  var off${j} = 0u;`).join("\n");
  const acc = Array.from({ length: k }, (_, j) => `    off${j} += c * p[${base + 2} + nd * ${j + 1}u + d];`).join("\n");
  return `  let nd = p[${base + 1}];
${decl}
  var rest = i;
  for (var dd = 0u; dd < nd; dd++) {
    let d = nd - 1u - dd;
    let size = p[${base + 2} + d];
    let c = rest % size;
    rest = rest / size;
${acc}
  }`;
}

/** The words broadcastOffsets reads: n, nd, outShape, then each operand's broadcast strides. */
function broadcastWords(outShape: readonly number[], shapes: readonly (readonly number[])[]): number[] {
  let n = 1;
  for (const d of outShape) n *= d;
  const words = [n, outShape.length, ...outShape];
  for (const s of shapes) words.push(...broadcastStrides(s, outShape));
  return words;
}

export function binary(
  ctx: GpuContext,
  op: BinaryOp,
  a: Operand,
  aShape: readonly number[],
  b: Operand,
  bShape: readonly number[],
  out: Operand,
  outShape: readonly number[],
): boolean {
  const A = ctx.bind(a),
    B = ctx.bind(b),
    O = ctx.bind(out);
  const intOp = A.type !== "f32" && B.type !== "f32" && O.type !== "f32" && BINARY_I32[op] !== undefined;
  const c: GpuType = intOp ? "i32" : "f32";
  // arithmetic gives NaN when an operand is NaN (pow has its own rules; comparisons and logical ops look at it)
  const nanOut = !intOp && ["add", "sub", "mul", "div", "atan2", "remainder", "floorDivide"].includes(op);
  const expr = intOp ? BINARY_I32[op]! : nanOut ? `select(${BINARY_F32[op]}, NAN, anynan)` : BINARY_F32[op];
  const key = `binary:${op}:${A.type}:${B.type}:${O.type}`;
  const p = ctx.pipeline(
    key,
    () => `${MATH}${BINARY_HELPERS}
@group(0) @binding(0) var<storage, read> xa: array<${A.type}>;
@group(0) @binding(1) var<storage, read> xb: array<${B.type}>;
@group(0) @binding(2) var<storage, read_write> out: array<${O.type}>;
@group(0) @binding(3) var<storage, read> p: array<u32>;
${main1d(
  "p[0]",
  `${broadcastOffsets(2, 0)}
  let x = ${convert("xa[off0]", A.type, c)};
  let y = ${convert("xb[off1]", B.type, c)};
  let anynan = ${c === "f32" ? "isnanf(x) || isnanf(y)" : "false"};
  out[i] = ${convert(`(${expr})`, c, O.type)};`,
)}`,
  );
  const words = broadcastWords(outShape, [aShape, bShape]);
  ctx.dispatch(p, [A.buffer, B.buffer, O.buffer, ctx.params(words)], { threads: words[0]! }, [out]);
  return true;
}

export function where(
  ctx: GpuContext,
  cond: Operand,
  condShape: readonly number[],
  a: Operand,
  aShape: readonly number[],
  b: Operand,
  bShape: readonly number[],
  out: Operand,
  outShape: readonly number[],
): boolean {
  const C = ctx.bind(cond),
    A = ctx.bind(a),
    B = ctx.bind(b),
    O = ctx.bind(out);
  const key = `where:${C.type}:${A.type}:${B.type}:${O.type}`;
  const p = ctx.pipeline(
    key,
    () => `${MATH}
@group(0) @binding(0) var<storage, read> xc: array<${C.type}>;
@group(0) @binding(1) var<storage, read> xa: array<${A.type}>;
@group(0) @binding(2) var<storage, read> xb: array<${B.type}>;
@group(0) @binding(3) var<storage, read_write> out: array<${O.type}>;
@group(0) @binding(4) var<storage, read> p: array<u32>;
${main1d(
  "p[0]",
  `${broadcastOffsets(3, 0)}
  if (${C.type === "f32" ? "nonzerof(xc[off0])" : `xc[off0] != 0${C.type === "i32" ? "i" : "u"}`}) { out[i] = ${convert("xa[off1]", A.type, O.type)}; }
  else { out[i] = ${convert("xb[off2]", B.type, O.type)}; }`,
)}`,
  );
  const words = broadcastWords(outShape, [condShape, aShape, bShape]);
  ctx.dispatch(p, [C.buffer, A.buffer, B.buffer, O.buffer, ctx.params(words)], { threads: words[0]! }, [out]);
  return true;
}

export function copyStrided(ctx: GpuContext, x: Operand, out: Operand, g: CopyGeometry): boolean {
  const X = ctx.bind(x),
    O = ctx.bind(out);
  const key = `copyStrided:${X.type}:${O.type}`;
  // p: [n, nd, srcOffset, dstOffset, shape[nd], srcStrides[nd], dstStrides[nd]] (strides may be negative: i32)
  const p = ctx.pipeline(
    key,
    () => `${MATH}
@group(0) @binding(0) var<storage, read> x: array<${X.type}>;
@group(0) @binding(1) var<storage, read_write> out: array<${O.type}>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${main1d(
  "p[0]",
  `  let nd = p[1];
  var so = i32(p[2]);
  var dst = i32(p[3]);
  var rest = i;
  for (var dd = 0u; dd < nd; dd++) {
    let d = nd - 1u - dd;
    let size = p[4u + d];
    let c = i32(rest % size);
    rest = rest / size;
    so += c * bitcast<i32>(p[4u + nd + d]);
    dst += c * bitcast<i32>(p[4u + 2u * nd + d]);
  }
  out[dst] = ${convert("x[so]", X.type, O.type)};`,
)}`,
  );
  let n = 1;
  for (const d of g.shape) n *= d;
  const words = [n, g.shape.length, g.srcOffset, g.dstOffset, ...g.shape, ...g.srcStrides, ...g.dstStrides].map((w) => w >>> 0);
  ctx.dispatch(p, [X.buffer, O.buffer, ctx.params(words)], { threads: n }, [out]);
  return true;
}
