// Reference pooling: every output position visits its window (the product of per-dim index
// lists) in the input plane. Max keeps the first maximum (NaN wins, as PyTorch); average divides
// by the divisor the op computed (count_include_pad, ceil mode and overrides live in the op).

import type { TypedArray } from "../../tensor/dtype.js";
import type { PoolGeometry } from "../backend.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

/** For each output position, the flat input-plane offsets of its window (padding dropped). */
function windows(g: PoolGeometry): Int32Array[] {
  const nd = g.inSize.length;
  const inStride = g.inSize.map((_, d) => prod(g.inSize.slice(d + 1)));
  // per dim and output index: valid input coordinates of the window
  const perDim = g.outSize.map((o, d) =>
    Array.from({ length: o }, (_, i) => {
      const out: number[] = [];
      for (let j = 0; j < g.count[d]![i]!; j++) {
        const x = g.start[d]![i]! + j * g.dilation[d]!;
        if (x >= 0 && x < g.inSize[d]!) out.push(x * inStride[d]!);
      }
      return out;
    }),
  );
  const result: Int32Array[] = [];
  const oc = new Array<number>(nd).fill(0);
  for (let o = 0; o < prod(g.outSize); o++) {
    let offs = [0];
    for (let d = 0; d < nd; d++) {
      const axis = perDim[d]![oc[d]!]!;
      offs = offs.flatMap((b) => axis.map((a) => a + b));
    }
    result.push(Int32Array.from(offs));
    for (let d = nd - 1; d >= 0 && ++oc[d]! === g.outSize[d]; d--) oc[d] = 0;
  }
  return result;
}

export function maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void {
  const win = windows(g);
  const P = prod(g.inSize), O = win.length;
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
  const win = windows(g);
  const P = prod(g.inSize), O = win.length;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (const off of win[o]!) s += x[p * P + off]!;
      out[p * O + o] = s / divisor[o]!;
    }
  }
}

export function avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void {
  const win = windows(g);
  const P = prod(g.inSize), O = win.length;
  for (let p = 0; p < g.planes; p++) {
    for (let o = 0; o < O; o++) {
      const v = dy[p * O + o]! / divisor[o]!;
      for (const off of win[o]!) dx[p * P + off]! += v;
    }
  }
}

const csrCache = new Map<string, { start: Int32Array; offs: Int32Array }>();

/** The windows in compressed-row form (window o = offs[start[o] .. start[o+1])), cached per geometry. */
export function windowsCsr(g: PoolGeometry): { start: Int32Array; offs: Int32Array } {
  const key = [g.inSize, g.outSize, g.dilation, ...g.start, ...g.count].map((a) => Array.from(a).join(",")).join("|");
  let c = csrCache.get(key);
  if (c) return c;
  const win = windows(g);
  const start = new Int32Array(win.length + 1);
  win.forEach((w, o) => { start[o + 1] = start[o]! + w.length; });
  const offs = new Int32Array(start[win.length]!);
  win.forEach((w, o) => offs.set(w, start[o]!));
  c = { start, offs };
  if (csrCache.size > 64) csrCache.clear();
  csrCache.set(key, c);
  return c;
}
