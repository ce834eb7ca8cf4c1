// Reference log-softmax: per line, the max shift and the log of the sum of exponentials in float64.

import type { TypedArray } from "../../tensor/dtype.js";

export function logSoftmax(x: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let j = 0; j < size; j++) {
        const v = x[base + j * inner]!;
        if (v > m || v !== v) m = v;
        if (m !== m) break;
      }
      // no special case for an infinite max: a line holding +inf, or only -inf, is NaN throughout
      // (inf - inf), as PyTorch's log_softmax and softmax
      let s = 0;
      for (let j = 0; j < size; j++) s += Math.exp(x[base + j * inner]! - m);
      // (x - m) - log s, as PyTorch: m + log s would round away log s's digits when |m| is large
      const ls = Math.log(s);
      for (let j = 0; j < size; j++) out[base + j * inner] = x[base + j * inner]! - m - ls;
    }
  }
}
