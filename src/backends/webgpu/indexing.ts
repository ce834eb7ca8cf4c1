// WebGPU index kernels: indexSelect and gather (one thread per output), indexAdd and scatterAdd.
// The adds are deterministic gathers instead of float atomics (WGSL has none): one thread per line
// along the indexed axis walks the index in order and adds into its own outputs, the values no
// other thread touches. So repeated indices sum in the reference's order, and the results equal
// the reference's to the bit (float32 adds, one rounding per add, as into a Float32Array).
// Elements move as their stored words (f32, i32 or bool's u32); adds are f32 or i32.

import type { Operand } from "../backend.js";
import { numelOf, stridesOf } from "../../tensor/shape.js";
import { type GpuContext, type GpuType, operandType } from "./device.js";
import { main1d } from "./wgsl.js";

/** main1d sets the private NAN (wgsl.ts MATH); these shaders need nothing else from MATH. */
const NAN_DECL = "var<private> NAN: f32;";

export function indexSelect(
  ctx: GpuContext,
  x: Operand,
  outer: number,
  size: number,
  inner: number,
  index: Operand,
  out: Operand,
): boolean {
  const t = operandType(x);
  if (operandType(out) !== t || operandType(index) !== "i32") return false;
  const m = (index as { length: number }).length,
    n = outer * m * inner;
  const p = ctx.pipeline(
    `indexSelect:${t}`,
    () => `${NAN_DECL}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${main1d(
  "p[0]",
  `  let m = p[1]; let size = p[2]; let inner = p[3];
  let o = i / (m * inner); let j = (i / inner) % m; let k = i % inner;
  out[i] = x[(o * size + u32(index[j])) * inner + k];`,
)}`,
  );
  ctx.dispatch(p, [ctx.params([n, m, size, inner]), ctx.bind(x).buffer, ctx.bind(index).buffer, ctx.bind(out).buffer], { threads: n }, [
    out,
  ]);
  return true;
}

const addable = (t: GpuType): boolean => t === "f32" || t === "i32";

export function indexAdd(ctx: GpuContext, out: Operand, outer: number, size: number, inner: number, index: Operand, src: Operand): boolean {
  const t = operandType(out);
  if (!addable(t) || operandType(src) !== t || operandType(index) !== "i32") return false;
  const m = (index as { length: number }).length,
    n = outer * inner;
  const p = ctx.pipeline(
    `indexAdd:${t}`,
    () => `${NAN_DECL}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${t}>;
${main1d(
  "p[0]",
  `  let m = p[1]; let size = p[2]; let inner = p[3];
  let o = i / inner; let k = i % inner;
  for (var j = 0u; j < m; j++) {
    let d = (o * size + u32(index[j])) * inner + k;
    out[d] = out[d] + src[(o * m + j) * inner + k];
  }`,
)}`,
  );
  ctx.dispatch(p, [ctx.params([n, m, size, inner]), ctx.bind(out).buffer, ctx.bind(index).buffer, ctx.bind(src).buffer], { threads: n }, [
    out,
  ]);
  return true;
}

/** Row-major strides of `shape` padded to at least one dim (a 0-d tensor as [1]). */
function dimsOf(shape: readonly number[]): { shape: number[]; strides: number[] } {
  return shape.length === 0 ? { shape: [1], strides: [0] } : { shape: [...shape], strides: stridesOf(shape) };
}

export function gather(
  ctx: GpuContext,
  x: Operand,
  xShape: readonly number[],
  dim: number,
  index: Operand,
  indexShape: readonly number[],
  out: Operand,
): boolean {
  const t = operandType(x);
  if (operandType(out) !== t || operandType(index) !== "i32") return false;
  const xs = dimsOf(xShape),
    is = dimsOf(indexShape);
  const nd = is.shape.length,
    n = numelOf(indexShape);
  // p: n, nd, dim, index shape [nd], x strides [nd]
  const words = [n, nd, dim, ...is.shape, ...xs.strides];
  const p = ctx.pipeline(
    `gather:${t}`,
    () => `${NAN_DECL}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${main1d(
  "p[0]",
  `  let nd = p[1]; let dim = p[2];
  var rest = i;
  var off = 0u;
  for (var d = nd; d > 0u; d--) {
    let c = rest % p[2u + d]; rest = rest / p[2u + d];
    if (d - 1u == dim) { off += u32(index[i]) * p[2u + nd + d]; } else { off += c * p[2u + nd + d]; }
  }
  out[i] = x[off];`,
)}`,
  );
  ctx.dispatch(p, [ctx.params(words), ctx.bind(x).buffer, ctx.bind(index).buffer, ctx.bind(out).buffer], { threads: n }, [out]);
  return true;
}

export function scatterAdd(
  ctx: GpuContext,
  out: Operand,
  outShape: readonly number[],
  dim: number,
  index: Operand,
  indexShape: readonly number[],
  src: Operand,
  srcShape: readonly number[],
): boolean {
  const t = operandType(out);
  if (!addable(t) || operandType(src) !== t || operandType(index) !== "i32") return false;
  const os = dimsOf(outShape),
    is = dimsOf(indexShape),
    ss = dimsOf(srcShape);
  const nd = is.shape.length,
    len = is.shape[dim]!;
  const lines = len === 0 ? 0 : numelOf(indexShape) / len;
  // p: lines, nd, dim, index shape [nd], out strides [nd], src strides [nd]
  const words = [lines, nd, dim, ...is.shape, ...os.strides, ...ss.strides];
  const p = ctx.pipeline(
    `scatterAdd:${t}`,
    () => `${NAN_DECL}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read> src: array<${t}>;
${main1d(
  "p[0]",
  `  let nd = p[1]; let dim = p[2];
  // the line's coordinates in every dim but dim: its flat index, its out and src offsets
  var rest = i;
  var f0 = 0u; var o0 = 0u; var s0 = 0u; var scale = 1u;
  for (var d = nd; d > 0u; d--) {
    let size = p[2u + d];
    if (d - 1u != dim) {
      let c = rest % size; rest = rest / size;
      f0 += c * scale;
      o0 += c * p[2u + nd + d];
      s0 += c * p[2u + 2u * nd + d];
    }
    scale *= size;
  }
  var fs = 1u;
  for (var d = dim + 1u; d < nd; d++) { fs *= p[3u + d]; }
  let len = p[3u + dim];
  for (var j = 0u; j < len; j++) {
    let at = o0 + u32(index[f0 + j * fs]) * p[3u + nd + dim];
    out[at] = out[at] + src[s0 + j * p[3u + 2u * nd + dim]];
  }`,
)}`,
  );
  ctx.dispatch(p, [ctx.params(words), ctx.bind(out).buffer, ctx.bind(index).buffer, ctx.bind(src).buffer], { threads: lines }, [out]);
  return true;
}
