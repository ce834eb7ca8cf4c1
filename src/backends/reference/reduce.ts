// Reference reductions over the middle axis of an [outer, size, inner] view. Sums accumulate in
// float64 whatever the storage type. max/min propagate NaN; arg* return the first extreme.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ReduceOp } from "../backend.js";

export function reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
  if (op === "sum" && inner > 1) {
    sumRows(x, outer, size, inner, out);
    return;
  }
  // int32 products wrap as C's integer products (Math.imul), as the elementwise mul does
  const line = op === "prod" && out instanceof Int32Array ? intProdLine : reduceLine;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      out[o * inner + i] = line(op, x, base, size, inner);
    }
  }
}

function intProdLine(_op: ReduceOp, x: TypedArray, base: number, size: number, step: number): number {
  let p = 1;
  for (let j = 0; j < size; j++) p = Math.imul(p, x[base + j * step]!);
  return p;
}

function reduceLine(op: ReduceOp, x: TypedArray, base: number, size: number, step: number): number {
  switch (op) {
    case "sum": {
      let s = 0;
      for (let j = 0; j < size; j++) s += x[base + j * step]!;
      return s;
    }
    case "prod": {
      let p = 1;
      for (let j = 0; j < size; j++) p *= x[base + j * step]!;
      return p;
    }
    case "max":
    case "min":
    case "argmax":
    case "argmin": {
      const wantMax = op === "max" || op === "argmax";
      let best = x[base]!,
        at = 0;
      for (let j = 1; j < size && !Number.isNaN(best); j++) {
        const v = x[base + j * step]!;
        if (Number.isNaN(v) || (wantMax ? v > best : v < best)) {
          best = v;
          at = j;
        }
      }
      return op === "max" || op === "min" ? best : at;
    }
    case "all": {
      for (let j = 0; j < size; j++) if (x[base + j * step] === 0) return 0;
      return 1;
    }
    case "any": {
      for (let j = 0; j < size; j++) if (x[base + j * step] !== 0) return 1;
      return 0;
    }
    default:
      return op satisfies never;
  }
}

/**
 * Sums over the middle axis with inner > 1 (bias gradients, sums over the batch) added row by
 * row into a float64 accumulator: unit-stride reads instead of one strided walk per output.
 * Same float64 sums in the same order (j ascending) as reduceLine.
 */
function sumRows(x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let j = 0; j < size; j++) {
      const base = (o * size + j) * inner;
      for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i]!;
  }
}
