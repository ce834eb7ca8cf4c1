// Reference fused recurrent cells: the pointwise math of one LSTM or GRU step and its gradient,
// computed in float64 per element (each output is rounded once, into its storage type).
// The derivations are in ops/recurrent.ts, next to the composite formulas they must equal.

import type { TypedArray } from "../../tensor/dtype.js";
import { sigmoid } from "./scalarMath.js";
import { matmul } from "./matmul.js";

export function lstmCell(gates: TypedArray, c: TypedArray, c1: TypedArray, h1: TypedArray, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 4 * H,
      sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[gb + j]!),
        f = sigmoid(gates[gb + H + j]!),
        g = Math.tanh(gates[gb + 2 * H + j]!),
        o = sigmoid(gates[gb + 3 * H + j]!);
      const cn = f * c[sb + j]! + i * g;
      c1[sb + j] = cn;
      h1[sb + j] = o * Math.tanh(c1[sb + j]!); // from the stored (rounded) c1, as the composite
    }
  }
}

export function lstmCellBackward(
  gates: TypedArray,
  c: TypedArray,
  c1: TypedArray,
  dh1: TypedArray,
  dc1: TypedArray,
  dgates: TypedArray,
  dc: TypedArray,
  B: number,
  H: number,
): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 4 * H,
      sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[gb + j]!),
        f = sigmoid(gates[gb + H + j]!),
        g = Math.tanh(gates[gb + 2 * H + j]!),
        o = sigmoid(gates[gb + 3 * H + j]!);
      const t = Math.tanh(c1[sb + j]!),
        dh = dh1[sb + j]!;
      const d = dc1[sb + j]! + dh * o * (1 - t * t);
      dgates[gb + j] = d * g * i * (1 - i);
      dgates[gb + H + j] = d * c[sb + j]! * f * (1 - f);
      dgates[gb + 2 * H + j] = d * i * (1 - g * g);
      dgates[gb + 3 * H + j] = dh * t * o * (1 - o);
      dc[sb + j] = d * f;
    }
  }
}

export function gruCell(xg: TypedArray, hg: TypedArray, h: TypedArray, h1: TypedArray, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H,
      sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xg[gb + j]! + hg[gb + j]!),
        z = sigmoid(xg[gb + H + j]! + hg[gb + H + j]!);
      const n = Math.tanh(xg[gb + 2 * H + j]! + r * hg[gb + 2 * H + j]!);
      h1[sb + j] = n + z * (h[sb + j]! - n);
    }
  }
}

export function gruCellBackward(
  xg: TypedArray,
  hg: TypedArray,
  h: TypedArray,
  dh1: TypedArray,
  dxg: TypedArray,
  dhg: TypedArray,
  dh: TypedArray,
  B: number,
  H: number,
): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H,
      sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xg[gb + j]! + hg[gb + j]!),
        z = sigmoid(xg[gb + H + j]! + hg[gb + H + j]!);
      const hn = hg[gb + 2 * H + j]!;
      const n = Math.tanh(xg[gb + 2 * H + j]! + r * hn);
      const d = dh1[sb + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * hn * r * (1 - r);
      const dzPre = d * (h[sb + j]! - n) * z * (1 - z);
      dxg[gb + j] = drPre;
      dhg[gb + j] = drPre;
      dxg[gb + H + j] = dzPre;
      dhg[gb + H + j] = dzPre;
      dxg[gb + 2 * H + j] = dnPre;
      dhg[gb + 2 * H + j] = dnPre * r;
      dh[sb + j] = d * z;
    }
  }
}

// ---------------------------------------------------------------- whole layers over a sequence

/** C (m x n) = op(A) @ op(B) on raw storage. */
function gemm(a: TypedArray, b: TypedArray, c: TypedArray, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  matmul(a, b, c, { batch: 1, m, k, n, aBatchStride: 0, bBatchStride: 0, transA, transB });
}

function addInto(out: TypedArray, a: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i]! += a[i]!;
}

const timeOf = (k: number, T: number, reverse: boolean): number => (reverse ? T - 1 - k : k);
const like = (x: TypedArray, n: number): TypedArray => new (x.constructor as new (n: number) => TypedArray)(n);

export function lstmSequence(
  xg: TypedArray,
  h0: TypedArray,
  c0: TypedArray,
  w: TypedArray,
  out: TypedArray,
  gates: TypedArray,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): void {
  const S = B * H,
    G = 4 * H;
  let h = h0,
    c = c0;
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const gk = gates.subarray(k * B * G, (k + 1) * B * G);
    gemm(h, w, gk, B, H, G, false, true);
    addInto(gk, xg.subarray(t * B * G, (t + 1) * B * G));
    const h1 = out.subarray(t * S, (t + 1) * S),
      c1 = out.subarray((T + t) * S, (T + t + 1) * S);
    lstmCell(gk, c, c1, h1, B, H);
    h = h1;
    c = c1;
  }
}

export function lstmSequenceBackward(
  w: TypedArray,
  gates: TypedArray,
  out: TypedArray,
  h0: TypedArray,
  c0: TypedArray,
  gOut: TypedArray,
  dxg: TypedArray,
  dh0: TypedArray,
  dc0: TypedArray,
  dw: TypedArray,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): void {
  const S = B * H,
    G = 4 * H;
  const hPrev = like(out, T * S),
    dh = like(out, S),
    dc = like(out, S),
    dcPrev = like(out, S);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const hp = tp < 0 ? h0 : out.subarray(tp * S, (tp + 1) * S),
      cp = tp < 0 ? c0 : out.subarray((T + tp) * S, (T + tp + 1) * S);
    hPrev.set(hp, t * S);
    addInto(dh, gOut.subarray(t * S, (t + 1) * S));
    addInto(dc, gOut.subarray((T + t) * S, (T + t + 1) * S));
    const dg = dxg.subarray(t * B * G, (t + 1) * B * G);
    lstmCellBackward(gates.subarray(k * B * G, (k + 1) * B * G), cp, out.subarray((T + t) * S, (T + t + 1) * S), dh, dc, dg, dcPrev, B, H);
    gemm(dg, w, dh, B, G, H, false, false); // dh_prev = dG W_hh
    dc.set(dcPrev);
  }
  dh0.set(dh);
  dc0.set(dc);
  gemm(dxg, hPrev, dw, G, T * B, H, true, false); // sum_t dG_t^T h_{t-1}
}

export function gruSequence(
  xg: TypedArray,
  h0: TypedArray,
  w: TypedArray,
  b: TypedArray | null,
  out: TypedArray,
  hg: TypedArray,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): void {
  const S = B * H,
    G = 3 * H;
  let h = h0;
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const hk = hg.subarray(k * B * G, (k + 1) * B * G);
    gemm(h, w, hk, B, H, G, false, true);
    if (b) for (let r = 0; r < B; r++) addInto(hk.subarray(r * G, (r + 1) * G), b);
    const h1 = out.subarray(t * S, (t + 1) * S);
    gruCell(xg.subarray(t * B * G, (t + 1) * B * G), hk, h, h1, B, H);
    h = h1;
  }
}

export function gruSequenceBackward(
  xg: TypedArray,
  w: TypedArray,
  hg: TypedArray,
  out: TypedArray,
  h0: TypedArray,
  gOut: TypedArray,
  dxg: TypedArray,
  dh0: TypedArray,
  dw: TypedArray,
  db: TypedArray | null,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): void {
  const S = B * H,
    G = 3 * H;
  const hPrev = like(out, T * S),
    dhg = like(out, T * B * G),
    dh = like(out, S),
    dhDirect = like(out, S);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse),
      tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const hp = tp < 0 ? h0 : out.subarray(tp * S, (tp + 1) * S);
    hPrev.set(hp, t * S);
    addInto(dh, gOut.subarray(t * S, (t + 1) * S));
    const dhgT = dhg.subarray(t * B * G, (t + 1) * B * G);
    gruCellBackward(
      xg.subarray(t * B * G, (t + 1) * B * G),
      hg.subarray(k * B * G, (k + 1) * B * G),
      hp,
      dh,
      dxg.subarray(t * B * G, (t + 1) * B * G),
      dhgT,
      dhDirect,
      B,
      H,
    );
    gemm(dhgT, w, dh, B, G, H, false, false);
    addInto(dh, dhDirect);
  }
  dh0.set(dh);
  gemm(dhg, hPrev, dw, G, T * B, H, true, false);
  if (db) {
    db.fill(0);
    for (let r = 0; r < T * B; r++) addInto(db, dhg.subarray(r * G, (r + 1) * G));
  }
}
