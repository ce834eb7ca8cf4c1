// WebGPU matmul: C[b] = op(A[b]) @ op(B[b]) (+ bias on every row), float32. Each workgroup
// computes a 64 x 64 block of C with 16 x 16 threads of 4 x 4 outputs each, staging 64 x 16
// panels of op(A) and 16 x 64 of op(B) in workgroup memory, loaded as vec4 where the shapes allow;
// transposes are flags (the loads read A or B in their stored order). Accumulates in f32 (the reference rounds each product sum
// once from float64: the difference is float32 rounding), then adds the bias.

import type { MatmulGeometry, Operand } from "../backend.js";
import { type GpuContext, operandType } from "./device.js";

const TILE = 64,
  KT = 16;

/**
 * The load of one operand's 16 x 64 panel `S[depth][outer]` at depth offset t (op(A)'s rows or
 * op(B)'s columns are the outer direction). `depthContiguous` (WGSL) says whether X is stored
 * [outer, k] (A untransposed, B transposed) or [k, outer]. Scalar: 4 values per thread, consecutive
 * threads along the stored rows. vec4, where the stored rows' length and the batch stride are
 * divisible by 4 (so a vec4 is wholly in range or wholly out): one vec4 per thread along them. The
 * panel holds the same values either way, so the products are the same bits.
 */
function panel(S: string, X: string, outer: string, o0: string, off: string, depthContiguous: string, vec: boolean): string {
  if (!vec)
    return `for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      var o = e % ${TILE}u; var d = e / ${TILE}u;
      if (${depthContiguous}) { o = e / ${KT}u; d = e % ${KT}u; }
      let go = ${o0} + o; let gd = t + d;
      var v = 0.0;
      if (go < ${outer} && gd < k) { v = select(${X}[${off} + gd * ${outer} + go], ${X}[${off} + go * k + gd], ${depthContiguous}); }
      ${S}[d][o] = v;
    }`;
  return `{
      var o = (tid % 16u) * 4u; var d = tid / 16u;
      if (${depthContiguous}) { o = tid / 4u; d = (tid % 4u) * 4u; }
      let go = ${o0} + o; let gd = t + d;
      var v = vec4<f32>(0.0);
      if (${depthContiguous}) {
        if (go < ${outer} && gd < k) { v = ${X}[(${off} + go * k + gd) / 4u]; }
        ${S}[d][o] = v.x; ${S}[d + 1u][o] = v.y; ${S}[d + 2u][o] = v.z; ${S}[d + 3u][o] = v.w;
      } else {
        if (go < ${outer} && gd < k) { v = ${X}[(${off} + gd * ${outer} + go) / 4u]; }
        ${S}[d][o] = v.x; ${S}[d][o + 1u] = v.y; ${S}[d][o + 2u] = v.z; ${S}[d][o + 3u] = v.w;
      }
    }`;
}

const shader = (vecA: boolean, vecB: boolean): string => /* wgsl */ `
@group(0) @binding(0) var<storage, read> A: array<${vecA ? "vec4<f32>" : "f32"}>;
@group(0) @binding(1) var<storage, read> B: array<${vecB ? "vec4<f32>" : "f32"}>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> p: array<u32>;
var<workgroup> As: array<array<f32, ${TILE}>, ${KT}>;
var<workgroup> Bs: array<array<f32, ${TILE}>, ${KT}>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let m = p[0]; let k = p[1]; let n = p[2];
  let aOff = wg.z * p[3];
  let bOff = wg.z * p[4];
  let transA = p[5] != 0u; let transB = p[6] != 0u; let hasBias = p[7] != 0u;
  let row0 = wg.y * ${TILE}u; let col0 = wg.x * ${TILE}u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var t = 0u; t < k; t += ${KT}u) {
    // 64 x 16 of op(A) and 16 x 64 of op(B): 1024 values each
    ${panel("As", "A", "m", "row0", "aOff", "!transA", vecA)}
    ${panel("Bs", "B", "n", "col0", "bOff", "transB", vecB)}
    workgroupBarrier();
    for (var kk = 0u; kk < ${KT}u; kk++) {
      var a: array<f32, 4>; var b: array<f32, 4>;
      for (var u = 0u; u < 4u; u++) { a[u] = As[kk][lid.y + 16u * u]; b[u] = Bs[kk][lid.x + 16u * u]; }
      for (var u = 0u; u < 4u; u++) { for (var v = 0u; v < 4u; v++) { acc[u][v] = fma(a[u], b[v], acc[u][v]); } }
    }
    workgroupBarrier();
  }
  for (var u = 0u; u < 4u; u++) {
    let r = row0 + lid.y + 16u * u;
    if (r >= m) { continue; }
    for (var v = 0u; v < 4u; v++) {
      let c = col0 + lid.x + 16u * v;
      if (c >= n) { continue; }
      var val = acc[u][v];
      if (hasBias) { val = val + bias[c]; }
      C[wg.z * m * n + r * n + c] = val;
    }
  }
}`;

/** The product on the GPU for float32 operands; false (not handled) otherwise. */
export function matmul(ctx: GpuContext, a: Operand, b: Operand, out: Operand, g: MatmulGeometry, bias?: Operand | null): boolean {
  if ([a, b, out, ...(bias ? [bias] : [])].some((v) => operandType(v) !== "f32") || g.batch > 65535) return false;
  const A = ctx.bind(a),
    B = ctx.bind(b),
    O = ctx.bind(out);
  const Bias = bias ? ctx.bind(bias) : null;
  // vec4 loads where the direction an operand is stored along has a length (and batch stride) divisible by 4
  const vecA = (g.transA ? g.m : g.k) % 4 === 0 && g.aBatchStride % 4 === 0,
    vecB = (g.transB ? g.k : g.n) % 4 === 0 && g.bBatchStride % 4 === 0;
  const p = ctx.pipeline(`matmul:${vecA}:${vecB}`, () => shader(vecA, vecB));
  const params = ctx.params([g.m, g.k, g.n, g.aBatchStride, g.bBatchStride, g.transA ? 1 : 0, g.transB ? 1 : 0, Bias ? 1 : 0]);
  ctx.dispatch(
    p,
    [A.buffer, B.buffer, O.buffer, Bias ? Bias.buffer : params, params],
    { groups: [Math.ceil(g.n / TILE), Math.ceil(g.m / TILE), g.batch] },
    [out],
  );
  return true;
}
