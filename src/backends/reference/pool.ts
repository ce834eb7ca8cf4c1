// Reference pooling: every output position visits its window (the product of per-dim index
// lists) in the input plane. Max keeps the first maximum (NaN wins, as PyTorch); average divides
// by the divisor the op computed (count_include_pad, ceil mode and overrides live in the op).

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";
import { poolWindows } from "../geometry.js";
import { numelOf } from "../../tensor/shape.js";

export function maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void {
  const win = poolWindows(g);
  const P = numelOf(g.inSize), O = win.length;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      let best = -Infinity, at = -1;
      for (const off of win[o]!) {
        const v = x[p * P + off]!;
        if (at < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          at = off;
        }
      }
      out[p * O + o] = best;
      indices[p * O + o] = at;
    }
  }
}

export function avgPool(x: TypedArray, out: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
  const win = poolWindows(g);
  const P = numelOf(g.inSize), O = win.length;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (const off of win[o]!) s += x[p * P + off]!;
      out[p * O + o] = s / divisor[o]!;
    }
  }
}

export function avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
  const win = poolWindows(g);
  const P = numelOf(g.inSize), O = win.length;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      const v = dy[p * O + o]! / divisor[o]!;
      for (const off of win[o]!) dx[p * P + off]! += v;
    }
  }
}
