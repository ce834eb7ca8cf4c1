// Reference running reductions (cumsum, cumprod) along the middle axis of an [outer, size, inner]
// view. One accumulator per inner position, so every pass over a row reads memory in order.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ScanOp } from "../backend.js";

export function scan(op: ScanOp, x: TypedArray, outer: number, size: number, inner: number, reverse: boolean, out: TypedArray): void {
  // float64 holds every int32 exactly, so one accumulator type serves both paths
  const acc = new Float64Array(inner);
  const wrap = out instanceof Int32Array; // int32 arithmetic wraps, as PyTorch's int64 does at its own width
  for (let o = 0; o < outer; o++) {
    acc.fill(op === "sum" ? 0 : 1);
    for (let s = 0; s < size; s++) {
      const base = (o * size + (reverse ? size - 1 - s : s)) * inner;
      if (op === "sum") {
        if (wrap) for (let i = 0; i < inner; i++) acc[i] = (acc[i]! + x[base + i]!) | 0;
        else for (let i = 0; i < inner; i++) acc[i]! += x[base + i]!;
      } else {
        if (wrap) for (let i = 0; i < inner; i++) acc[i] = Math.imul(acc[i]!, x[base + i]!);
        else for (let i = 0; i < inner; i++) acc[i]! *= x[base + i]!;
      }
      for (let i = 0; i < inner; i++) out[base + i] = acc[i]!;
    }
  }
}
