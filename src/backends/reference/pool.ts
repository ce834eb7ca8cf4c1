// Reference pooling: every output position visits its window (the product of per-dim index
// lists) in the input plane. Max keeps the first maximum, or the last NaN (as PyTorch's CPU kernels); average divides
// by the divisor the op computed (count_include_pad, ceil mode and overrides live in the op).

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";
import { poolWindowsCsr } from "../geometry.js";
import { numelOf } from "../../tensor/shape.js";

export function maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void {
  const { start, offs } = poolWindowsCsr(g);
  const P = numelOf(g.inSize),
    O = start.length - 1;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      let best = -Infinity,
        at = -1;
      for (let j = start[o]!; j < start[o + 1]!; j++) {
        const off = offs[j]!,
          v = x[p * P + off]!;
        if (at < 0 || v > best || Number.isNaN(v)) {
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
  const { start, offs } = poolWindowsCsr(g);
  const P = numelOf(g.inSize),
    O = start.length - 1;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let j = start[o]!; j < start[o + 1]!; j++) s += x[p * P + offs[j]!]!;
      out[p * O + o] = s / divisor[o]!;
    }
  }
}

export function avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
  const { start, offs } = poolWindowsCsr(g);
  const P = numelOf(g.inSize),
    O = start.length - 1;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      const v = dy[p * O + o]! / divisor[o]!;
      for (let j = start[o]!; j < start[o + 1]!; j++) dx[p * P + offs[j]!]! += v;
    }
  }
}
