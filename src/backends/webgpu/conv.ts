// WebGPU convolution, 1 to 3 spatial dims, float32, as implicit GEMMs (gemm.ts) that gather the
// im2col columns on the fly instead of materializing them:
// - forward, per (sample, group): out[o, l] = sum_(c,k) w[o, c, k] * x[c, tap k at l] (+ bias[o]);
// - input gradient, per (sample, group): dx[c, p] = sum_(o,k) w[o, c, k] * dy[o, the l whose tap
//   k reads p]: a gather over image positions (each output written once, no atomics);
// - weight gradient, per group: dw[o, (c,k)] = sum_(n,l) dy[n, o, l] * x[n, c, tap k at l].
// Depthwise convs (one input channel per group) run forward and input gradient as direct
// kernels instead, one thread per output (no 65535 limit on samples x groups, no idle tile rows).
// im2col is a gather; col2im sums, per image position, the column entries that read it in tap
// order (the reference's order, so the result is the same to the bit).
// Geometry (geometry.ts) is computed in the shader from sizes padded to 3 dims.

import type { ConvGeometry, Operand } from "../backend.js";
import { numelOf } from "../../tensor/shape.js";
import { type GpuContext, operandType } from "./device.js";
import { gemm } from "./gemm.js";

/** p[10..27]: imgSize, kernel, stride, padding, dilation, colSize, each padded to 3 dims in front. */
const G = 10;

function geometryWords(g: ConvGeometry): number[] {
  const pad = (a: readonly number[], fill: number): number[] => [...new Array<number>(3 - a.length).fill(fill), ...a];
  return [
    ...pad(g.imgSize, 1),
    ...pad(g.kernel, 1),
    ...pad(g.stride, 1),
    ...pad(g.padding, 0),
    ...pad(g.dilation, 1),
    ...pad(g.colSize, 1),
  ];
}

/** p[3..9] and the geometry: groups, Cg, Og, taps, P, L, hasBias, then G.., then C, O at p[28], p[29]. */
function convWords(g: ConvGeometry, groups: number, outChannels: number, hasBias: boolean): number[] {
  const K = numelOf(g.kernel),
    P = numelOf(g.imgSize),
    L = numelOf(g.colSize);
  return [groups, g.channels / groups, outChannels / groups, K, P, L, hasBias ? 1 : 0, ...geometryWords(g), g.channels, outChannels];
}

/** Tap offsets in WGSL (reads p): tapOff(k, l) = image offset tap k reads at column l, or -1; tapCol(k, pos) = the column whose tap k reads pos, or -1. */
const GEOMETRY = /* wgsl */ `
fn coords(base: u32, x: u32) -> vec3<u32> {
  let s1 = p[base + 1u]; let s2 = p[base + 2u];
  return vec3<u32>(x / (s1 * s2), (x / s2) % s1, x % s2);
}
fn tapOff(k: u32, l: u32) -> i32 {
  let kc = coords(${G + 3}u, k); let lc = coords(${G + 15}u, l);
  var off = 0i;
  for (var d = 0u; d < 3u; d++) {
    let n = i32(p[${G}u + d]);
    let i = i32(lc[d] * p[${G + 6}u + d] + kc[d] * p[${G + 12}u + d]) - i32(p[${G + 9}u + d]);
    if (i < 0 || i >= n) { return -1i; }
    off = off * n + i;
  }
  return off;
}
fn tapCol(k: u32, pos: u32) -> i32 {
  let kc = coords(${G + 3}u, k); let pc = coords(${G}u, pos);
  var l = 0i;
  for (var d = 0u; d < 3u; d++) {
    let q = i32(pc[d] + p[${G + 9}u + d]) - i32(kc[d] * p[${G + 12}u + d]);
    if (q < 0) { return -1i; }
    let s = p[${G + 6}u + d];
    if (u32(q) % s != 0u) { return -1i; }
    let o = u32(q) / s;
    let cs = p[${G + 15}u + d];
    if (o >= cs) { return -1i; }
    l = l * i32(cs) + i32(o);
  }
  return l;
}
`;

const allF32 = (...vs: (Operand | null)[]): boolean => vs.every((v) => v === null || operandType(v) === "f32");

const FORWARD = /* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
${GEOMETRY}
// z = n * groups + q; rows: the group's output channels; columns: output positions; depth: (c, k)
fn loadA(z: u32, r: u32, kk: u32) -> f32 {
  let q = z % p[3];
  return w[(q * p[5] + r) * p[4] * p[6] + kk];
}
fn loadB(z: u32, kk: u32, c: u32) -> f32 {
  let n = z / p[3]; let q = z % p[3];
  let off = tapOff(kk % p[6], c);
  if (off < 0) { return 0.0; }
  return x[(n * p[28] + q * p[4] + kk / p[6]) * p[7] + u32(off)];
}
fn store(z: u32, r: u32, c: u32, v: f32) {
  let n = z / p[3]; let q = z % p[3];
  let o = q * p[5] + r;
  var s = v;
  if (p[9] != 0u) { s = s + bias[o]; }
  out[(n * p[29] + o) * p[8] + c] = s;
}`;

/** Depthwise forward: out[n, o, l] = sum_k w[o, k] * x[n, o / Og, tap k at l] (+ bias[o]). p[0] = outputs. */
const DEPTHWISE_FORWARD = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
${GEOMETRY}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= p[0]) { return; }
  let L = p[8]; let Kt = p[6];
  let l = i % L; let no = i / L; let o = no % p[29]; let n = no / p[29];
  let xc = (n * p[28] + o / p[5]) * p[7];
  var acc = 0.0;
  for (var k = 0u; k < Kt; k++) {
    let off = tapOff(k, l);
    if (off >= 0) { acc = fma(w[o * Kt + k], x[xc + u32(off)], acc); }
  }
  if (p[9] != 0u) { acc = acc + bias[o]; }
  out[i] = acc;
}`;

/** Depthwise input gradient: dx[n, c, pos] = sum over the group's o and taps k of w[o, k] * dy[n, o, the l whose tap k reads pos]. */
const DEPTHWISE_BACKWARD_INPUT = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> img: array<f32>;
${GEOMETRY}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= p[0]) { return; }
  let P = p[7]; let Kt = p[6]; let Og = p[5];
  let pos = i % P; let nc = i / P; let c = nc % p[28]; let n = nc / p[28];
  var acc = 0.0;
  for (var j = 0u; j < Og; j++) {
    let o = c * Og + j;
    let dyo = (n * p[29] + o) * p[8];
    for (var k = 0u; k < Kt; k++) {
      let l = tapCol(k, pos);
      if (l >= 0) { acc = fma(w[o * Kt + k], dy[dyo + u32(l)], acc); }
    }
  }
  img[i] = acc;
}`;

export function convForward(
  ctx: GpuContext,
  x: Operand,
  w: Operand,
  bias: Operand | null,
  out: Operand,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): boolean {
  if (!allF32(x, w, bias, out)) return false;
  const words = convWords(g, groups, outChannels, bias !== null);
  const X = ctx.bind(x),
    W = ctx.bind(w),
    O = ctx.bind(out);
  const Bias = bias ? ctx.bind(bias).buffer : W.buffer;
  if (groups === g.channels) {
    const n = g.batch * outChannels * numelOf(g.colSize);
    words.unshift(n, 0, 0);
    ctx.dispatch(
      ctx.pipeline("convDepthwise", () => DEPTHWISE_FORWARD),
      [ctx.params(words), X.buffer, W.buffer, O.buffer, Bias],
      { threads: n },
      [out],
    );
    return true;
  }
  const dims = { M: outChannels / groups, N: numelOf(g.colSize), K: (g.channels / groups) * numelOf(g.kernel), batch: g.batch * groups };
  return gemm(ctx, "convForward", FORWARD, dims, words, [X.buffer, W.buffer, O.buffer, Bias], [out]);
}

const BACKWARD_INPUT = /* wgsl */ `
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> img: array<f32>;
${GEOMETRY}
// z = n * groups + q; rows: the group's input channels; columns: image positions; depth: (o, k)
fn loadA(z: u32, r: u32, kk: u32) -> f32 {
  let q = z % p[3];
  let o = q * p[5] + kk / p[6];
  return w[(o * p[4] + r) * p[6] + kk % p[6]];
}
fn loadB(z: u32, kk: u32, c: u32) -> f32 {
  let n = z / p[3]; let q = z % p[3];
  let l = tapCol(kk % p[6], c);
  if (l < 0) { return 0.0; }
  return dy[(n * p[29] + q * p[5] + kk / p[6]) * p[8] + u32(l)];
}
fn store(z: u32, r: u32, c: u32, v: f32) {
  let n = z / p[3]; let q = z % p[3];
  img[(n * p[28] + q * p[4] + r) * p[7] + c] = v;
}`;

export function convBackwardInput(
  ctx: GpuContext,
  dy: Operand,
  w: Operand,
  img: Operand,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): boolean {
  if (!allF32(dy, w, img)) return false;
  const words = convWords(g, groups, outChannels, false);
  const D = ctx.bind(dy),
    W = ctx.bind(w),
    I = ctx.bind(img);
  if (groups === g.channels) {
    const n = g.batch * g.channels * numelOf(g.imgSize);
    words.unshift(n, 0, 0);
    const p = ctx.pipeline("convDepthwiseBackwardInput", () => DEPTHWISE_BACKWARD_INPUT);
    ctx.dispatch(p, [ctx.params(words), D.buffer, W.buffer, I.buffer], { threads: n }, [img]);
    return true;
  }
  const dims = { M: g.channels / groups, N: numelOf(g.imgSize), K: (outChannels / groups) * numelOf(g.kernel), batch: g.batch * groups };
  return gemm(ctx, "convBackwardInput", BACKWARD_INPUT, dims, words, [D.buffer, W.buffer, I.buffer], [img]);
}

const BACKWARD_WEIGHT = /* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
${GEOMETRY}
// z = group; rows: its output channels; columns: (c, k); depth: (n, l)
fn loadA(z: u32, r: u32, kk: u32) -> f32 {
  let n = kk / p[8]; let l = kk % p[8];
  return dy[(n * p[29] + z * p[5] + r) * p[8] + l];
}
fn loadB(z: u32, kk: u32, c: u32) -> f32 {
  let n = kk / p[8]; let l = kk % p[8];
  let off = tapOff(c % p[6], l);
  if (off < 0) { return 0.0; }
  return x[(n * p[28] + z * p[4] + c / p[6]) * p[7] + u32(off)];
}
fn store(z: u32, r: u32, c: u32, v: f32) {
  dw[(z * p[5] + r) * p[4] * p[6] + c] = v;
}`;

/**
 * The weight gradient split over its long depth (samples x positions) when that leaves the GPU
 * idle otherwise: z = group * splits + split computes a partial product over its chunk of the
 * depth into `part`; a second kernel sums the partials in split order. p[30] = splits, p[31] =
 * chunk, p[32] = the whole depth.
 */
const BACKWARD_WEIGHT_SPLIT = /* wgsl */ `
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> part: array<f32>;
${GEOMETRY}
fn loadA(z: u32, r: u32, kk: u32) -> f32 {
  let q = z / p[30]; let kg = (z % p[30]) * p[31] + kk;
  if (kg >= p[32]) { return 0.0; }
  let n = kg / p[8]; let l = kg % p[8];
  return dy[(n * p[29] + q * p[5] + r) * p[8] + l];
}
fn loadB(z: u32, kk: u32, c: u32) -> f32 {
  let q = z / p[30]; let kg = (z % p[30]) * p[31] + kk;
  if (kg >= p[32]) { return 0.0; }
  let n = kg / p[8]; let l = kg % p[8];
  let off = tapOff(c % p[6], l);
  if (off < 0) { return 0.0; }
  return x[(n * p[28] + q * p[4] + c / p[6]) * p[7] + u32(off)];
}
fn store(z: u32, r: u32, c: u32, v: f32) {
  part[(z * p[5] + r) * p[4] * p[6] + c] = v;
}`;

/** dw[q, e] = sum over splits s of part[q * splits + s, e], e < per-group size. p: total, per-group size, splits. */
const SUM_SPLITS = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= p[0]) { return; }
  let E = p[1]; let S = p[2];
  let q = i / E; let e = i % E;
  var acc = 0.0;
  for (var s = 0u; s < S; s++) { acc = acc + part[(q * S + s) * E + e]; }
  dw[i] = acc;
}`;

/** Depth per split: enough work per workgroup to pay for the second pass. */
const SPLIT_DEPTH = 1024;

export function convBackwardWeight(
  ctx: GpuContext,
  x: Operand,
  dy: Operand,
  dw: Operand,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): boolean {
  if (!allF32(x, dy, dw)) return false;
  const words = convWords(g, groups, outChannels, false);
  const X = ctx.bind(x),
    D = ctx.bind(dy),
    W = ctx.bind(dw);
  const M = outChannels / groups,
    N = (g.channels / groups) * numelOf(g.kernel),
    depth = g.batch * numelOf(g.colSize);
  // few output tiles and a long depth: split the depth so more workgroups share it
  const tiles = groups * Math.ceil(M / 32) * Math.ceil(N / 32);
  const splits = Math.min(64, Math.ceil(depth / SPLIT_DEPTH), Math.floor(65535 / groups));
  if (tiles < 64 && splits > 1) {
    const chunk = Math.ceil(depth / splits);
    const part = ctx.allocate("float32", groups * splits * M * N);
    words.push(splits, chunk, depth);
    const ok = gemm(
      ctx,
      "convBackwardWeightSplit",
      BACKWARD_WEIGHT_SPLIT,
      { M, N, K: chunk, batch: groups * splits },
      words,
      [X.buffer, D.buffer, ctx.bind(part).buffer],
      [part],
    );
    if (!ok) return false;
    const n = groups * M * N;
    const sum = ctx.pipeline("convSumSplits", () => SUM_SPLITS);
    ctx.dispatch(sum, [ctx.params([n, M * N, splits]), ctx.bind(part).buffer, W.buffer], { threads: n }, [dw]);
    return true;
  }
  return gemm(ctx, "convBackwardWeight", BACKWARD_WEIGHT, { M, N, K: depth, batch: groups }, words, [X.buffer, D.buffer, W.buffer], [dw]);
}

export function convBackward(
  ctx: GpuContext,
  x: Operand,
  w: Operand,
  dy: Operand,
  dx: Operand,
  dw: Operand,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): boolean {
  if (!allF32(x, w, dy, dx, dw) || (groups !== g.channels && g.batch * groups > 65535) || groups > 65535) return false;
  return convBackwardInput(ctx, dy, w, dx, g, groups, outChannels) && convBackwardWeight(ctx, x, dy, dw, g, groups, outChannels);
}

const IM2COL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> img: array<f32>;
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;
${GEOMETRY}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= p[0]) { return; }
  let KL = p[6] * p[8];
  let nc = i / KL; let t = i % KL;
  let off = tapOff(t / p[8], t % p[8]);
  var v = 0.0;
  if (off >= 0) { v = img[nc * p[7] + u32(off)]; }
  cols[i] = v;
}`;

export function im2col(ctx: GpuContext, img: Operand, cols: Operand, g: ConvGeometry): boolean {
  if (!allF32(img, cols)) return false;
  const n = g.batch * g.channels * numelOf(g.kernel) * numelOf(g.colSize);
  const I = ctx.bind(img),
    C = ctx.bind(cols);
  const words = convWords(g, 1, g.channels, false);
  words.unshift(n, 0, 0);
  ctx.dispatch(
    ctx.pipeline("im2col", () => IM2COL),
    [ctx.params(words), I.buffer, C.buffer],
    { threads: n },
    [cols],
  );
  return true;
}

const COL2IM = /* wgsl */ `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> cols: array<f32>;
@group(0) @binding(2) var<storage, read_write> img: array<f32>;
${GEOMETRY}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= p[0]) { return; }
  let nc = i / p[7]; let pos = i % p[7];
  let KL = p[6] * p[8];
  var acc = 0.0;
  for (var k = 0u; k < p[6]; k++) {
    let l = tapCol(k, pos);
    if (l >= 0) { acc = acc + cols[nc * KL + k * p[8] + u32(l)]; }
  }
  img[i] = acc;
}`;

export function col2im(ctx: GpuContext, cols: Operand, img: Operand, g: ConvGeometry): boolean {
  if (!allF32(img, cols)) return false;
  const n = g.batch * g.channels * numelOf(g.imgSize);
  const C = ctx.bind(cols),
    I = ctx.bind(img);
  const words = convWords(g, 1, g.channels, false);
  words.unshift(n, 0, 0);
  ctx.dispatch(
    ctx.pipeline("col2im", () => COL2IM),
    [ctx.params(words), C.buffer, I.buffer],
    { threads: n },
    [img],
  );
  return true;
}
