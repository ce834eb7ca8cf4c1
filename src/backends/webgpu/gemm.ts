// A tiled GEMM whose operands are functions: C(z, r, c) = sum_kk A(z, r, kk) * B(z, kk, c) for
// r < M, c < N, kk < K, batch item z = the workgroup's z. A kernel supplies WGSL for `loadA`,
// `loadB` and `store` (an implicit GEMM: a conv's im2col columns gathered on the fly, a recurrent
// step's state at an offset, ...) and gets the tiling: 8 x 8 threads per workgroup, each owning
// (TM / 8) x (TN / 8) outputs of a TM x TN block, with 16-deep panels of A and B staged in
// workgroup memory. Sums accumulate in f32 (the reference sums in float64 and rounds once).
// Workgroups of 64: SwiftShader (the CPU Vulkan the tests run on) runs a barrier in a workgroup
// of 256 invocations about 50x slower than in one of 64.

import type { GpuContext } from "./device.js";

/** Threads per side of a workgroup. */
const WG = 8;

/**
 * Rows per block: 8 for at most 8 rows (a recurrent step's small batch, a depthwise conv's one
 * channel per group), else 32; columns: 32. Two shapes per kernel keep SwiftShader's shader
 * compilation (about a second each, ten for 8 x 8 outputs per thread) in check.
 */
function tileFor(n: number): number {
  return n <= 8 ? 8 : 32;
}

/**
 * The shader of a function GEMM. `decls` declares bindings 1, 2, ... and defines
 * `fn loadA(z: u32, r: u32, kk: u32) -> f32`, `fn loadB(z: u32, kk: u32, c: u32) -> f32` and
 * `fn store(z: u32, r: u32, c: u32, v: f32)`; binding 0 is `p: array<u32>` with M, N, K in p[0..2]
 * (the rest is the kernel's). Loads are only called in range.
 */
function gemmSource(decls: string, tm: number, tn: number): string {
  const rm = tm / WG,
    rn = tn / WG,
    la = (16 * tm) / (WG * WG),
    lb = (16 * tn) / (WG * WG);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
${decls}
var<workgroup> As: array<array<f32, ${tm}>, 16>;
var<workgroup> Bs: array<array<f32, ${tn}>, 16>;

@compute @workgroup_size(${WG}, ${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p[0]; let N = p[1]; let K = p[2];
  let z = wg.z;
  let row0 = wg.y * ${tm}u; let col0 = wg.x * ${tn}u;
  let tid = lid.y * ${WG}u + lid.x;
  var acc: array<array<f32, ${rn}>, ${rm}>;
  for (var t = 0u; t < K; t += 16u) {
    for (var q = 0u; q < ${la}u; q++) {
      let e = tid + q * ${WG * WG}u;
      let r = e / 16u; let kk = e % 16u;
      var va = 0.0;
      if (row0 + r < M && t + kk < K) { va = loadA(z, row0 + r, t + kk); }
      As[kk][r] = va;
    }
    for (var q = 0u; q < ${lb}u; q++) {
      let e = tid + q * ${WG * WG}u;
      let kb = e / ${tn}u; let c = e % ${tn}u;
      var vb = 0.0;
      if (col0 + c < N && t + kb < K) { vb = loadB(z, t + kb, col0 + c); }
      Bs[kb][c] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<f32, ${rm}>; var b: array<f32, ${rn}>;
      for (var u = 0u; u < ${rm}u; u++) { a[u] = As[kk][lid.y + ${WG}u * u]; }
      for (var v = 0u; v < ${rn}u; v++) { b[v] = Bs[kk][lid.x + ${WG}u * v]; }
      for (var u = 0u; u < ${rm}u; u++) { for (var v = 0u; v < ${rn}u; v++) { acc[u][v] = fma(a[u], b[v], acc[u][v]); } }
    }
    workgroupBarrier();
  }
  for (var u = 0u; u < ${rm}u; u++) {
    let r = row0 + lid.y + ${WG}u * u;
    if (r >= M) { continue; }
    for (var v = 0u; v < ${rn}u; v++) {
      let c = col0 + lid.x + ${WG}u * v;
      if (c < N) { store(z, r, c, acc[u][v]); }
    }
  }
}`;
}

/**
 * Record a function GEMM: `key` names `decls` (the pipeline is built once per key and tile
 * shape), `words` are the u32 parameters after M, N, K (p[3], p[4], ...), `buffers` the bindings
 * 1, 2, ... False when the batch does not fit one dispatch (more than 65535 items).
 */
export function gemm(
  ctx: GpuContext,
  key: string,
  decls: string,
  dims: { M: number; N: number; K: number; batch: number },
  words: readonly number[],
  buffers: readonly GPUBuffer[],
  outs: Parameters<GpuContext["dispatch"]>[3],
): boolean {
  const { M, N, K, batch } = dims;
  if (batch > 65535) return false;
  const tm = tileFor(M),
    tn = 32;
  const p = ctx.pipeline(`gemm:${key}:${tm}x${tn}`, () => gemmSource(decls, tm, tn));
  const params = ctx.params([M, N, K, ...words]);
  const gx = Math.ceil(N / tn),
    gy = Math.ceil(M / tm);
  if (gx > 65535 || gy > 65535) return false;
  ctx.dispatch(p, [params, ...buffers], { groups: [gx, gy, batch] }, outs);
  return true;
}
