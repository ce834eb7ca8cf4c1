// WebGPU reductions over the middle axis of an [outer, size, inner] view, and log-softmax: one
// thread per output line, walking the line in order, with the reference kernels' rules
// (reference/reduce.ts, softmax.ts): max/min propagate NaN, arg* give the first extreme, float
// sums are compensated (Kahan) in f32 where the reference sums in float64.

import type { Operand, ReduceOp } from "../backend.js";
import { type GpuContext, type GpuType, operandType } from "./device.js";
import { MATH, convert, main1d } from "./wgsl.js";

function reduceBody(op: ReduceOp, t: "f32" | "i32"): { init: string; step: string; result: string } {
  const zero = t === "f32" ? "0.0" : "0i";
  switch (op) {
    case "sum":
      return t === "f32"
        ? {
            init: "var s = 0.0; var comp = 0.0;",
            step: "let yk = v - comp; let tk = s + yk; comp = (tk - s) - yk; s = tk;",
            result: "s",
          }
        : { init: "var s = 0i;", step: "s += v;", result: "s" };
    case "prod":
      return { init: `var s = ${t === "f32" ? "1.0" : "1i"};`, step: "s *= v;", result: "s" };
    case "max":
    case "min":
    case "argmax":
    case "argmin": {
      const cmp = op === "max" || op === "argmax" ? ">" : "<";
      const nan = t === "f32" ? "isnanf(v)" : "false";
      const bestNan = t === "f32" ? "isnanf(best)" : "false";
      return {
        init: `var best = ${t === "f32" ? "0.0" : "0i"}; var at = 0u; var started = false;`,
        step: `if (!started) { best = v; at = j; started = true; } else if (!(${bestNan}) && (${nan} || v ${cmp} best)) { best = v; at = j; }`,
        result: op === "max" || op === "min" ? "best" : "i32(at)",
      };
    }
    case "all":
      return { init: "var s = 1i;", step: `if (v == ${zero}) { s = 0i; }`, result: "s" };
    case "any":
      return { init: "var s = 0i;", step: `if (v != ${zero}) { s = 1i; }`, result: "s" };
    default:
      return op satisfies never;
  }
}

export function reduce(ctx: GpuContext, op: ReduceOp, x: Operand, outer: number, size: number, inner: number, out: Operand): boolean {
  const X = ctx.bind(x),
    O = ctx.bind(out);
  const t: "f32" | "i32" = X.type === "f32" ? "f32" : "i32";
  const body = reduceBody(op, t);
  const resultType: GpuType = op === "argmax" || op === "argmin" || op === "all" || op === "any" ? "i32" : t;
  const p = ctx.pipeline(
    `reduce:${op}:${X.type}:${O.type}`,
    () => `${MATH}
@group(0) @binding(0) var<storage, read> x: array<${X.type}>;
@group(0) @binding(1) var<storage, read_write> out: array<${O.type}>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${main1d(
  "p[0] * p[2]",
  `  let size = p[1];
  let inner = p[2];
  let o = i / inner;
  let base = o * size * inner + i % inner;
  ${body.init}
  for (var j = 0u; j < size; j++) {
    let v = ${convert("x[base + j * inner]", X.type, t)};
    ${body.step}
  }
  out[i] = ${convert(body.result, resultType, O.type)};`,
)}`,
  );
  ctx.dispatch(p, [X.buffer, O.buffer, ctx.params([outer, size, inner])], { threads: outer * inner }, [out]);
  return true;
}

/** log(softmax) on the GPU for float32 operands; false (not handled) otherwise. */
export function logSoftmax(ctx: GpuContext, x: Operand, out: Operand, outer: number, size: number, inner: number): boolean {
  if (operandType(x) !== "f32" || operandType(out) !== "f32") return false;
  const X = ctx.bind(x),
    O = ctx.bind(out);
  const p = ctx.pipeline(
    "logSoftmax",
    () => `${MATH}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<u32>;
${main1d(
  "p[0] * p[2]",
  `  let size = p[1];
  let inner = p[2];
  let base = (i / inner) * size * inner + i % inner;
  var m = -bitcast<f32>(0x7f800000u + min(i, 0u));
  for (var j = 0u; j < size; j++) {
    let v = x[base + j * inner];
    if (v > m || isnanf(v)) { m = v; }
    if (isnanf(m)) { break; }
  }
  // a NaN, a +inf, or only -inf in the line makes it NaN throughout (NaN or inf - inf), as
  // PyTorch's; decided here, as SwiftShader's exp is not exact at infinities
  let nanLine = isnanf(m) || isinff(m);
  if (nanLine) { m = 0.0; }
  var s = 0.0;
  var comp = 0.0;
  for (var j = 0u; j < size; j++) {
    let yk = exp(x[base + j * inner] - m) - comp;
    let tk = s + yk;
    comp = (tk - s) - yk;
    s = tk;
  }
  let lse = m + log(s);
  for (var j = 0u; j < size; j++) {
    out[base + j * inner] = select(x[base + j * inner] - lse, NAN, nanLine);
  }`,
)}`,
  );
  ctx.dispatch(p, [X.buffer, O.buffer, ctx.params([outer, size, inner])], { threads: outer * inner }, [out]);
  return true;
}
