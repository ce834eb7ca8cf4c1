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
 * The loads of one operand's panel: scalar (4 per thread), or, where the operand's contiguous
 * direction has a length and batch stride divisible by 4, one vec4 per thread (4 values along that
 * direction; with those lengths a vec4 is wholly in range or wholly out). The panels hold the same
 * values either way, so the products are the same bits.
 */
function loads(vecA: boolean, vecB: boolean): string {
  const a = vecA
    ? `{
      // op(A) is 64 rows x 16 deep: 256 vec4 along A's stored rows (k) or, transposed, along m
      var r = 0u; var kk = 0u;
      if (transA) { kk = tid / 16u; r = (tid % 16u) * 4u; } else { r = tid / 4u; kk = (tid % 4u) * 4u; }
      let gr = row0 + r; let gk = t + kk;
      var va = vec4<f32>(0.0);
      if (transA) { if (gr < m && gk < k) { va = A[(aOff + gk * m + gr) / 4u]; } As[kk][r] = va.x; As[kk][r + 1u] = va.y; As[kk][r + 2u] = va.z; As[kk][r + 3u] = va.w; }
      else { if (gr < m && gk < k) { va = A[(aOff + gr * k + gk) / 4u]; } As[kk][r] = va.x; As[kk + 1u][r] = va.y; As[kk + 2u][r] = va.z; As[kk + 3u][r] = va.w; }
    }`
    : `for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let r = e / ${KT}u; let kk = e % ${KT}u;
      let gr = row0 + r; let gk = t + kk;
      var va = 0.0;
      if (gr < m && gk < k) { va = select(A[aOff + gr * k + gk], A[aOff + gk * m + gr], transA); }
      As[kk][r] = va;
    }`;
  const b = vecB
    ? `{
      // op(B) is 16 deep x 64 columns: 256 vec4 along B's stored rows (n) or, transposed, along k
      var kb = 0u; var c = 0u;
      if (transB) { c = tid / 4u; kb = (tid % 4u) * 4u; } else { kb = tid / 16u; c = (tid % 16u) * 4u; }
      let gc = col0 + c; let gkb = t + kb;
      var vb = vec4<f32>(0.0);
      if (transB) { if (gc < n && gkb < k) { vb = B[(bOff + gc * k + gkb) / 4u]; } Bs[kb][c] = vb.x; Bs[kb + 1u][c] = vb.y; Bs[kb + 2u][c] = vb.z; Bs[kb + 3u][c] = vb.w; }
      else { if (gc < n && gkb < k) { vb = B[(bOff + gkb * n + gc) / 4u]; } Bs[kb][c] = vb.x; Bs[kb][c + 1u] = vb.y; Bs[kb][c + 2u] = vb.z; Bs[kb][c + 3u] = vb.w; }
    }`
    : `for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let kb = e / ${TILE}u; let c = e % ${TILE}u;
      let gc = col0 + c; let gkb = t + kb;
      var vb = 0.0;
      if (gc < n && gkb < k) { vb = select(B[bOff + gkb * n + gc], B[bOff + gc * k + gkb], transB); }
      Bs[kb][c] = vb;
    }`;
  return `${a}
    ${b}`;
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
    ${loads(vecA, vecB)}
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
