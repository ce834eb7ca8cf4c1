// Reference fused recurrent cells: the pointwise math of one LSTM or GRU step and its gradient,
// computed in float64 per element (each output is rounded once, into its storage type).
// The derivations are in ops/recurrent.ts, next to the composite formulas they must equal.

import type { TypedArray } from "../../tensor/dtype.js";
import { sigmoid } from "./scalarMath.js";

export function lstmCell(gates: TypedArray, c: TypedArray, c1: TypedArray, h1: TypedArray, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 4 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[gb + j]!), f = sigmoid(gates[gb + H + j]!), g = Math.tanh(gates[gb + 2 * H + j]!), o = sigmoid(gates[gb + 3 * H + j]!);
      const cn = f * c[sb + j]! + i * g;
      c1[sb + j] = cn;
      h1[sb + j] = o * Math.tanh(c1[sb + j]!); // from the stored (rounded) c1, as the composite
    }
  }
}

export function lstmCellBackward(gates: TypedArray, c: TypedArray, c1: TypedArray, dh1: TypedArray, dc1: TypedArray, dgates: TypedArray, dc: TypedArray, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 4 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[gb + j]!), f = sigmoid(gates[gb + H + j]!), g = Math.tanh(gates[gb + 2 * H + j]!), o = sigmoid(gates[gb + 3 * H + j]!);
      const t = Math.tanh(c1[sb + j]!), dh = dh1[sb + j]!;
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
    const gb = b * 3 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xg[gb + j]! + hg[gb + j]!), z = sigmoid(xg[gb + H + j]! + hg[gb + H + j]!);
      const n = Math.tanh(xg[gb + 2 * H + j]! + r * hg[gb + 2 * H + j]!);
      h1[sb + j] = n + z * (h[sb + j]! - n);
    }
  }
}

export function gruCellBackward(xg: TypedArray, hg: TypedArray, h: TypedArray, dh1: TypedArray, dxg: TypedArray, dhg: TypedArray, dh: TypedArray, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xg[gb + j]! + hg[gb + j]!), z = sigmoid(xg[gb + H + j]! + hg[gb + H + j]!);
      const hn = hg[gb + 2 * H + j]!;
      const n = Math.tanh(xg[gb + 2 * H + j]! + r * hn);
      const d = dh1[sb + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const drPre = dnPre * hn * r * (1 - r);
      const dzPre = d * (h[sb + j]! - n) * z * (1 - z);
      dxg[gb + j] = drPre; dhg[gb + j] = drPre;
      dxg[gb + H + j] = dzPre; dhg[gb + H + j] = dzPre;
      dxg[gb + 2 * H + j] = dnPre; dhg[gb + 2 * H + j] = dnPre * r;
      dh[sb + j] = d * z;
    }
  }
}
