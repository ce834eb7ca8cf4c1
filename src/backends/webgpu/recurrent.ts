// WebGPU recurrent kernels, float32: the fused LSTM/GRU cells and their gradients (one thread
// per (batch row, hidden unit)), and whole layers over a sequence as a loop over time of GPU
// dispatches (per step the recurrent GEMM, gemm.ts, then the cell), with nothing read back to the
// host. The math and the order of steps are the reference's (reference/recurrent.ts); a step's
// state is read where the previous step wrote it (h0/c0 first, then the output sequence), and the
// backward keeps its running dh, dc in dh0, dc0 themselves.

import type { Operand } from "../backend.js";
import { type GpuContext, GpuStorage, operandType } from "./device.js";
import { gemm } from "./gemm.js";
import { MATH, main1d } from "./wgsl.js";

const f32Ok = (...vs: (Operand | null)[]): boolean => vs.every((v) => v === null || operandType(v) === "f32");
/** Every output must be a GPU storage: a host output would be an upload whose result is lost. */
const gpuOuts = (...vs: (Operand | null)[]): boolean => vs.every((v) => v === null || v instanceof GpuStorage);

/** The LSTM cell at one (row, unit) from its four gate pre-activations at g0, g0 + H, ... and the previous c: writes c1 and returns h1. */
const LSTM_FN = /* wgsl */ `
fn lstmForward(i: f32, f: f32, g: f32, o: f32, cp: f32, c1: ptr<function, f32>) -> f32 {
  let ig = sigmoidf(i); let fg = sigmoidf(f);
  let gg = tanhf(g); let og = sigmoidf(o);
  let cn = fg * cp + ig * gg;
  *c1 = cn;
  return og * tanhf(cn);
}`;

const LSTM_CELL = /* wgsl */ `${MATH}
${LSTM_FN}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read_write> c1: array<f32>;
@group(0) @binding(4) var<storage, read_write> h1: array<f32>;
${main1d(
  "p[0]",
  `  let H = p[1];
  let g0 = (i / H) * 4u * H + i % H;
  var cn = 0.0;
  h1[i] = lstmForward(gates[g0], gates[g0 + H], gates[g0 + 2u * H], gates[g0 + 3u * H], c[i], &cn);
  c1[i] = cn;`,
)}`;

export function lstmCell(ctx: GpuContext, gates: Operand, c: Operand, c1: Operand, h1: Operand, B: number, H: number): boolean {
  if (!f32Ok(gates, c, c1, h1) || !gpuOuts(c1, h1)) return false;
  const n = B * H;
  const bufs = [ctx.params([n, H]), ctx.bind(gates).buffer, ctx.bind(c).buffer, ctx.bind(c1).buffer, ctx.bind(h1).buffer];
  ctx.dispatch(
    ctx.pipeline("lstmCell", () => LSTM_CELL),
    bufs,
    { threads: n },
    [c1, h1],
  );
  return true;
}

/** The LSTM cell's gradient at one (row, unit): writes dgates and returns dc. */
const LSTM_BACK_FN = /* wgsl */ `
fn lstmBack(gates: ptr<function, array<f32, 4>>, cv: f32, c1v: f32, dh: f32, dc1: f32, dg: ptr<function, array<f32, 4>>) -> f32 {
  let ig = sigmoidf((*gates)[0]); let fg = sigmoidf((*gates)[1]);
  let gg = tanhf((*gates)[2]); let og = sigmoidf((*gates)[3]);
  let t = tanhf(c1v);
  let d = dc1 + dh * og * (1.0 - t * t);
  (*dg)[0] = d * gg * ig * (1.0 - ig);
  (*dg)[1] = d * cv * fg * (1.0 - fg);
  (*dg)[2] = d * ig * (1.0 - gg * gg);
  (*dg)[3] = dh * t * og * (1.0 - og);
  return d * fg;
}`;

const LSTM_CELL_BACKWARD = /* wgsl */ `${MATH}
${LSTM_BACK_FN}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c: array<f32>;
@group(0) @binding(3) var<storage, read> c1: array<f32>;
@group(0) @binding(4) var<storage, read> dh1: array<f32>;
@group(0) @binding(5) var<storage, read> dc1: array<f32>;
@group(0) @binding(6) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(7) var<storage, read_write> dc: array<f32>;
${main1d(
  "p[0]",
  `  let H = p[1];
  let g0 = (i / H) * 4u * H + i % H;
  var g: array<f32, 4>; var dg: array<f32, 4>;
  for (var q = 0u; q < 4u; q++) { g[q] = gates[g0 + q * H]; }
  dc[i] = lstmBack(&g, c[i], c1[i], dh1[i], dc1[i], &dg);
  for (var q = 0u; q < 4u; q++) { dgates[g0 + q * H] = dg[q]; }`,
)}`;

export function lstmCellBackward(
  ctx: GpuContext,
  gates: Operand,
  c: Operand,
  c1: Operand,
  dh1: Operand,
  dc1: Operand,
  dgates: Operand,
  dc: Operand,
  B: number,
  H: number,
): boolean {
  if (!f32Ok(gates, c, c1, dh1, dc1, dgates, dc) || !gpuOuts(dgates, dc)) return false;
  const n = B * H;
  const bufs = [ctx.params([n, H]), ...[gates, c, c1, dh1, dc1, dgates, dc].map((v) => ctx.bind(v).buffer)];
  ctx.dispatch(
    ctx.pipeline("lstmCellBackward", () => LSTM_CELL_BACKWARD),
    bufs,
    { threads: n },
    [dgates, dc],
  );
  return true;
}

/** The GRU cell at one (row, unit) from the six pre-activations and h. */
const GRU_FNS = /* wgsl */ `
fn gruCell(xr: f32, xz: f32, xn: f32, hr: f32, hz: f32, hn: f32, h: f32) -> f32 {
  let r = sigmoidf(xr + hr); let z = sigmoidf(xz + hz);
  let n = tanhf(xn + r * hn);
  return n + z * (h - n);
}
// dx[0..2] = dxg (r, z, n), dx[3] = dhg's n part, dx[4] = dh
fn gruBack(xr: f32, xz: f32, xn: f32, hr: f32, hz: f32, hn: f32, h: f32, d: f32, dx: ptr<function, array<f32, 5>>) {
  let r = sigmoidf(xr + hr); let z = sigmoidf(xz + hz);
  let n = tanhf(xn + r * hn);
  let dn = d * (1.0 - z) * (1.0 - n * n);
  (*dx)[0] = dn * hn * r * (1.0 - r);
  (*dx)[1] = d * (h - n) * z * (1.0 - z);
  (*dx)[2] = dn;
  (*dx)[3] = dn * r;
  (*dx)[4] = d * z;
}`;

const GRU_CELL = /* wgsl */ `${MATH}
${GRU_FNS}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> xg: array<f32>;
@group(0) @binding(2) var<storage, read> hg: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read_write> h1: array<f32>;
${main1d(
  "p[0]",
  `  let H = p[1];
  let g0 = (i / H) * 3u * H + i % H;
  h1[i] = gruCell(xg[g0], xg[g0 + H], xg[g0 + 2u * H], hg[g0], hg[g0 + H], hg[g0 + 2u * H], h[i]);`,
)}`;

export function gruCell(ctx: GpuContext, xg: Operand, hg: Operand, h: Operand, h1: Operand, B: number, H: number): boolean {
  if (!f32Ok(xg, hg, h, h1) || !gpuOuts(h1)) return false;
  const n = B * H;
  const bufs = [ctx.params([n, H]), ...[xg, hg, h, h1].map((v) => ctx.bind(v).buffer)];
  ctx.dispatch(
    ctx.pipeline("gruCell", () => GRU_CELL),
    bufs,
    { threads: n },
    [h1],
  );
  return true;
}

const GRU_CELL_BACKWARD = /* wgsl */ `${MATH}
${GRU_FNS}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> xg: array<f32>;
@group(0) @binding(2) var<storage, read> hg: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<f32>;
@group(0) @binding(4) var<storage, read> dh1: array<f32>;
@group(0) @binding(5) var<storage, read_write> dxg: array<f32>;
@group(0) @binding(6) var<storage, read_write> dhg: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh: array<f32>;
${main1d(
  "p[0]",
  `  let H = p[1];
  let g0 = (i / H) * 3u * H + i % H;
  var dx: array<f32, 5>;
  gruBack(xg[g0], xg[g0 + H], xg[g0 + 2u * H], hg[g0], hg[g0 + H], hg[g0 + 2u * H], h[i], dh1[i], &dx);
  dxg[g0] = dx[0]; dhg[g0] = dx[0];
  dxg[g0 + H] = dx[1]; dhg[g0 + H] = dx[1];
  dxg[g0 + 2u * H] = dx[2]; dhg[g0 + 2u * H] = dx[3];
  dh[i] = dx[4];`,
)}`;

export function gruCellBackward(
  ctx: GpuContext,
  xg: Operand,
  hg: Operand,
  h: Operand,
  dh1: Operand,
  dxg: Operand,
  dhg: Operand,
  dh: Operand,
  B: number,
  H: number,
): boolean {
  if (!f32Ok(xg, hg, h, dh1, dxg, dhg, dh) || !gpuOuts(dxg, dhg, dh)) return false;
  const n = B * H;
  const bufs = [ctx.params([n, H]), ...[xg, hg, h, dh1, dxg, dhg, dh].map((v) => ctx.bind(v).buffer)];
  ctx.dispatch(
    ctx.pipeline("gruCellBackward", () => GRU_CELL_BACKWARD),
    bufs,
    { threads: n },
    [dxg, dhg, dh],
  );
  return true;
}

// ---------------------------------------------------------------- whole layers over a sequence

const timeOf = (k: number, T: number, reverse: boolean): number => (reverse ? T - 1 - k : k);

/**
 * `v`'s buffer for a loop of dispatches: a host operand goes into a storage of its own first
 * (an upload is a temporary, destroyed at the first submit after this kernel).
 */
function resident(ctx: GpuContext, v: Operand): GPUBuffer {
  if (v instanceof GpuStorage) return ctx.bind(v).buffer;
  const a = v as Float32Array;
  const s = ctx.allocate("float32", a.length);
  ctx.write(s, a);
  return ctx.bind(s).buffer;
}

/**
 * The recurrent GEMM of a forward step: rows of the previous h (h0 at the first step, else out at
 * p[4]) times W^T ([G, H]), stored at p[5] in `acc` plus, per p[7], xg at p[6] (LSTM) or bias (GRU).
 * p[3] = G, p[8] = H, p[9] = first step.
 */
const STEP_GEMM = /* wgsl */ `
@group(0) @binding(1) var<storage, read> h0: array<f32>;
@group(0) @binding(2) var<storage, read> hs: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> acc: array<f32>;
@group(0) @binding(5) var<storage, read> add: array<f32>;
fn loadA(z: u32, r: u32, kk: u32) -> f32 {
  if (p[9] != 0u) { return h0[r * p[8] + kk]; }
  return hs[p[4] + r * p[8] + kk];
}
fn loadB(z: u32, kk: u32, c: u32) -> f32 { return w[c * p[8] + kk]; }
fn store(z: u32, r: u32, c: u32, v: f32) {
  var s = v;
  if (p[7] == 1u) { s = s + add[p[6] + r * p[3] + c]; }
  if (p[7] == 2u) { s = s + add[c]; }
  acc[p[5] + r * p[3] + c] = s;
}`;

/** Zero `n` floats of a storage (a state that starts at zero when there are no steps). */
function zero(ctx: GpuContext, s: Operand, n: number): void {
  const code = `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
${main1d("p[0]", "  x[i] = 0.0;")}`;
  ctx.dispatch(
    ctx.pipeline("zero", () => code),
    [ctx.params([n]), ctx.bind(s).buffer],
    { threads: n },
    [s],
  );
}

const LSTM_SEQ_CELL = /* wgsl */ `${MATH}
${LSTM_FN}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c0: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${main1d(
  "p[0]",
  `  let H = p[1];
  let g0 = p[2] + (i / H) * 4u * H + i % H;
  var cp = 0.0;
  if (p[3] != 0u) { cp = c0[i]; } else { cp = out[p[4] + i]; }
  var cn = 0.0;
  out[p[5] + i] = lstmForward(gates[g0], gates[g0 + H], gates[g0 + 2u * H], gates[g0 + 3u * H], cp, &cn);
  out[p[6] + i] = cn;`,
)}`;

export function lstmSequence(
  ctx: GpuContext,
  xg: Operand,
  h0: Operand,
  c0: Operand,
  w: Operand,
  out: Operand,
  gates: Operand,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): boolean {
  if (!f32Ok(xg, h0, c0, w, out, gates) || !gpuOuts(out, gates)) return false;
  const S = B * H,
    G = 4 * H;
  const X = resident(ctx, xg),
    H0 = resident(ctx, h0),
    C0 = resident(ctx, c0),
    W = resident(ctx, w),
    O = resident(ctx, out),
    Gt = resident(ctx, gates);
  const cell = ctx.pipeline("lstmSequenceCell", () => LSTM_SEQ_CELL);
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const words = [G, tp < 0 ? 0 : tp * S, k * B * G, t * B * G, 1, H, k === 0 ? 1 : 0];
    gemm(ctx, "lstmStep", STEP_GEMM, { M: B, N: G, K: H, batch: 1 }, words, [H0, O, W, Gt, X], [gates]);
    const cw = [S, H, k * B * G, tp < 0 ? 1 : 0, tp < 0 ? 0 : (T + tp) * S, t * S, (T + t) * S];
    ctx.dispatch(cell, [ctx.params(cw), Gt, C0, O], { threads: S }, [out]);
  }
  return true;
}

const LSTM_SEQ_CELL_BACKWARD = /* wgsl */ `${MATH}
${LSTM_BACK_FN}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> gates: array<f32>;
@group(0) @binding(2) var<storage, read> c0: array<f32>;
@group(0) @binding(3) var<storage, read> out: array<f32>;
@group(0) @binding(4) var<storage, read> gOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> dxg: array<f32>;
@group(0) @binding(6) var<storage, read_write> dh: array<f32>;
@group(0) @binding(7) var<storage, read_write> dc: array<f32>;
// p: n, H, gates offset, last step (state zero), previous c from c0, its offset in out, c1 offset, gOut h / c offsets, dxg offset
${main1d(
  "p[0]",
  `  let H = p[1];
  let row = (i / H) * 4u * H + i % H;
  var g: array<f32, 4>; var dg: array<f32, 4>;
  for (var q = 0u; q < 4u; q++) { g[q] = gates[p[2] + row + q * H]; }
  var dhv = gOut[p[7] + i]; var dcv = gOut[p[8] + i];
  if (p[3] == 0u) { dhv = dh[i] + dhv; dcv = dc[i] + dcv; }
  var cp = 0.0;
  if (p[4] != 0u) { cp = c0[i]; } else { cp = out[p[5] + i]; }
  dc[i] = lstmBack(&g, cp, out[p[6] + i], dhv, dcv, &dg);
  for (var q = 0u; q < 4u; q++) { dxg[p[9] + row + q * H] = dg[q]; }`,
)}`;

/** dh (all of it) = dG_t @ W ([G, H]) (+ the dh there already, GRU's direct part): p[3] = G, p[4] = H, p[5] = dG offset, p[6] = add. */
const STATE_GEMM = /* wgsl */ `
@group(0) @binding(1) var<storage, read> dgs: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;
fn loadA(z: u32, r: u32, kk: u32) -> f32 { return dgs[p[5] + r * p[3] + kk]; }
fn loadB(z: u32, kk: u32, c: u32) -> f32 { return w[kk * p[4] + c]; }
fn store(z: u32, r: u32, c: u32, v: f32) {
  var s = v;
  if (p[6] != 0u) { s = s + dh[r * p[4] + c]; }
  dh[r * p[4] + c] = s;
}`;

/** dw = sum_t dG_t^T h_(t-1): rows G, columns H, depth (t, b); h_(t-1) is h0 or out at the step before t. p[3] = G, p[4] = H, p[5] = B, p[6] = T, p[7] = reverse. */
const WEIGHT_GEMM = /* wgsl */ `
@group(0) @binding(1) var<storage, read> dgs: array<f32>;
@group(0) @binding(2) var<storage, read> h0: array<f32>;
@group(0) @binding(3) var<storage, read> hs: array<f32>;
@group(0) @binding(4) var<storage, read_write> dw: array<f32>;
fn loadA(z: u32, r: u32, kk: u32) -> f32 { return dgs[kk * p[3] + r]; }
fn loadB(z: u32, kk: u32, c: u32) -> f32 {
  let B = p[5]; let T = p[6];
  let t = kk / B; let b = kk % B;
  let tp = select(i32(t) - 1, i32(t) + 1, p[7] != 0u);
  if (tp < 0 || tp >= i32(T)) { return h0[b * p[4] + c]; }
  return hs[(u32(tp) * B + b) * p[4] + c];
}
fn store(z: u32, r: u32, c: u32, v: f32) { dw[r * p[4] + c] = v; }`;

export function lstmSequenceBackward(
  ctx: GpuContext,
  w: Operand,
  gates: Operand,
  out: Operand,
  h0: Operand,
  c0: Operand,
  gOut: Operand,
  dxg: Operand,
  dh0: Operand,
  dc0: Operand,
  dw: Operand,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): boolean {
  if (!f32Ok(w, gates, out, h0, c0, gOut, dxg, dh0, dc0, dw) || !gpuOuts(dxg, dh0, dc0, dw)) return false;
  const S = B * H,
    G = 4 * H;
  const [W, Gt, O, H0, C0, GO, DX, DH, DC, DW] = [w, gates, out, h0, c0, gOut, dxg, dh0, dc0, dw].map((v) => resident(ctx, v)) as [
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
    GPUBuffer,
  ];
  if (T === 0) {
    zero(ctx, dh0, S);
    zero(ctx, dc0, S);
  }
  const cell = ctx.pipeline("lstmSequenceCellBackward", () => LSTM_SEQ_CELL_BACKWARD);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const words = [
      S,
      H,
      k * B * G,
      k === T - 1 ? 1 : 0,
      tp < 0 ? 1 : 0,
      tp < 0 ? 0 : (T + tp) * S,
      (T + t) * S,
      t * S,
      (T + t) * S,
      t * B * G,
    ];
    ctx.dispatch(cell, [ctx.params(words), Gt, C0, O, GO, DX, DH, DC], { threads: S }, [dxg, dc0]);
    gemm(ctx, "stateGrad", STATE_GEMM, { M: B, N: H, K: G, batch: 1 }, [G, H, t * B * G, 0], [DX, W, DH], [dh0]);
  }
  gemm(ctx, "weightGrad", WEIGHT_GEMM, { M: G, N: H, K: T * B, batch: 1 }, [G, H, B, T, reverse ? 1 : 0], [DX, H0, O, DW], [dw]);
  return true;
}

const GRU_SEQ_CELL = /* wgsl */ `${MATH}
${GRU_FNS}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> xg: array<f32>;
@group(0) @binding(2) var<storage, read> hg: array<f32>;
@group(0) @binding(3) var<storage, read> h0: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
// p: n, H, xg offset, hg offset, previous h from h0, its offset in out, h1 offset
${main1d(
  "p[0]",
  `  let H = p[1];
  let row = (i / H) * 3u * H + i % H;
  let x0 = p[2] + row; let g0 = p[3] + row;
  var h = 0.0;
  if (p[4] != 0u) { h = h0[i]; } else { h = out[p[5] + i]; }
  out[p[6] + i] = gruCell(xg[x0], xg[x0 + H], xg[x0 + 2u * H], hg[g0], hg[g0 + H], hg[g0 + 2u * H], h);`,
)}`;

export function gruSequence(
  ctx: GpuContext,
  xg: Operand,
  h0: Operand,
  w: Operand,
  b: Operand | null,
  out: Operand,
  hg: Operand,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): boolean {
  if (!f32Ok(xg, h0, w, b, out, hg) || !gpuOuts(out, hg)) return false;
  const S = B * H,
    G = 3 * H;
  const X = resident(ctx, xg),
    H0 = resident(ctx, h0),
    W = resident(ctx, w),
    Bias = b ? resident(ctx, b) : W,
    O = resident(ctx, out),
    HG = resident(ctx, hg);
  const cell = ctx.pipeline("gruSequenceCell", () => GRU_SEQ_CELL);
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const words = [G, tp < 0 ? 0 : tp * S, k * B * G, 0, b ? 2 : 0, H, k === 0 ? 1 : 0];
    gemm(ctx, "gruStep", STEP_GEMM, { M: B, N: G, K: H, batch: 1 }, words, [H0, O, W, HG, Bias], [hg]);
    const cw = [S, H, t * B * G, k * B * G, tp < 0 ? 1 : 0, tp < 0 ? 0 : tp * S, t * S];
    ctx.dispatch(cell, [ctx.params(cw), X, HG, H0, O], { threads: S }, [out]);
  }
  return true;
}

const GRU_SEQ_CELL_BACKWARD = /* wgsl */ `${MATH}
${GRU_FNS}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> xg: array<f32>;
@group(0) @binding(2) var<storage, read> hg: array<f32>;
@group(0) @binding(3) var<storage, read> hprev: array<f32>;
@group(0) @binding(4) var<storage, read> gOut: array<f32>;
@group(0) @binding(5) var<storage, read_write> dxg: array<f32>;
@group(0) @binding(6) var<storage, read_write> dhg: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh: array<f32>;
// p: n, H, xg/dxg/dhg offset (time t), hg offset (step k), last step, previous h's offset in
// hprev (h0 or out, bound per step: eight storage buffers is WebGPU's default limit), gOut offset.
// dh gets the direct part dh1 z; the state GEMM adds dhg_t W to it.
${main1d(
  "p[0]",
  `  let H = p[1];
  let row = (i / H) * 3u * H + i % H;
  let x0 = p[2] + row; let g0 = p[3] + row;
  var d = gOut[p[6] + i];
  if (p[4] == 0u) { d = dh[i] + d; }
  var dx: array<f32, 5>;
  gruBack(xg[x0], xg[x0 + H], xg[x0 + 2u * H], hg[g0], hg[g0 + H], hg[g0 + 2u * H], hprev[p[5] + i], d, &dx);
  dxg[x0] = dx[0]; dhg[x0] = dx[0];
  dxg[x0 + H] = dx[1]; dhg[x0 + H] = dx[1];
  dxg[x0 + 2u * H] = dx[2]; dhg[x0 + 2u * H] = dx[3];
  dh[i] = dx[4];`,
)}`;

const COLUMN_SUMS = /* wgsl */ `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${main1d(
  "p[0]",
  `  var s = 0.0;
  for (var r = 0u; r < p[1]; r++) { s = s + x[r * p[0] + i]; }
  out[i] = s;`,
)}`;

export function gruSequenceBackward(
  ctx: GpuContext,
  xg: Operand,
  w: Operand,
  hg: Operand,
  out: Operand,
  h0: Operand,
  gOut: Operand,
  dxg: Operand,
  dh0: Operand,
  dw: Operand,
  db: Operand | null,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): boolean {
  if (!f32Ok(xg, w, hg, out, h0, gOut, dxg, dh0, dw, db) || !gpuOuts(dxg, dh0, dw, db)) return false;
  const S = B * H,
    G = 3 * H;
  const b = (v: Operand): GPUBuffer => resident(ctx, v);
  const X = b(xg),
    W = b(w),
    HG = b(hg),
    O = b(out),
    H0 = b(h0),
    GO = b(gOut),
    DX = b(dxg),
    DH = b(dh0),
    DW = b(dw);
  const dhg = ctx.allocate("float32", T * B * G);
  const DHG = resident(ctx, dhg);
  if (T === 0) zero(ctx, dh0, S);
  const cell = ctx.pipeline("gruSequenceCellBackward", () => GRU_SEQ_CELL_BACKWARD);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const words = [S, H, t * B * G, k * B * G, k === T - 1 ? 1 : 0, tp < 0 ? 0 : tp * S, t * S];
    ctx.dispatch(cell, [ctx.params(words), X, HG, tp < 0 ? H0 : O, GO, DX, DHG, DH], { threads: S }, [dxg, dhg, dh0]);
    gemm(ctx, "stateGrad", STATE_GEMM, { M: B, N: H, K: G, batch: 1 }, [G, H, t * B * G, 1], [DHG, W, DH], [dh0]);
  }
  gemm(ctx, "weightGrad", WEIGHT_GEMM, { M: G, N: H, K: T * B, batch: 1 }, [G, H, B, T, reverse ? 1 : 0], [DHG, H0, O, DW], [dw]);
  if (db) {
    const bufs = [ctx.params([G, T * B]), DHG, resident(ctx, db)];
    ctx.dispatch(
      ctx.pipeline("columnSums", () => COLUMN_SUMS),
      bufs,
      { threads: G },
      [db],
    );
  }
  return true;
}
