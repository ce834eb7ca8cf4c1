// Reference data movement: strided copies (permute, expand, slice, flip, cat all lower to it)
// and the index kernels (indexSelect/indexAdd, gather/scatterAdd).

import type { TypedArray } from "../../tensor/dtype.js";
import type { CopyGeometry } from "../backend.js";
import { stridesOf } from "../../tensor/shape.js";
import { isRowMajor } from "../geometry.js";

export function copyStrided(x: TypedArray, out: TypedArray, g: CopyGeometry): void {
  const { shape, srcStrides, dstStrides } = g;
  const nd = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (nd === 0) {
    out[g.dstOffset] = x[g.srcOffset]!;
    return;
  }
  // one value broadcast over a contiguous output (the gradient of a sum, expand of a scalar): a fill
  if (srcStrides.every((st) => st === 0) && isRowMajor(shape, dstStrides)) {
    out.fill(x[g.srcOffset]!, g.dstOffset, g.dstOffset + total);
    return;
  }
  const len = shape[nd - 1]!,
    ss = srcStrides[nd - 1]!,
    ds = dstStrides[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let so = g.srcOffset,
    dOff = g.dstOffset;
  for (let done = 0; done < total; done += len) {
    for (let j = 0, s = so, d = dOff; j < len; j++, s += ss, d += ds) out[d] = x[s]!;
    for (let k = nd - 2; k >= 0; k--) {
      idx[k]!++;
      so += srcStrides[k]!;
      dOff += dstStrides[k]!;
      if (idx[k]! < shape[k]!) break;
      so -= srcStrides[k]! * shape[k]!;
      dOff -= dstStrides[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
}

export function indexSelect(x: TypedArray, outer: number, size: number, inner: number, index: Int32Array, out: TypedArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * size + index[j]!) * inner,
        dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i]!;
    }
  }
}

export function indexAdd(out: TypedArray, outer: number, size: number, inner: number, index: Int32Array, src: TypedArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * size + index[j]!) * inner,
        s = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += src[s + i]!;
    }
  }
}

const rowMajor = stridesOf;

/**
 * Walk `shape` in row-major order as runs along its last dim: body(flat, offA, offB, len) with
 * the offsets of the run's start under two stride vectors (a stride of 0 drops a dim).
 */
function walkRuns(
  shape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
  body: (flat: number, a: number, b: number, len: number) => void,
): void {
  const nd = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  if (nd === 0) {
    body(0, 0, 0, 1);
    return;
  }
  const len = shape[nd - 1]!;
  const coord = new Array<number>(nd - 1).fill(0);
  let a = 0,
    b = 0;
  for (let f = 0; f < total; f += len) {
    body(f, a, b, len);
    for (let d = nd - 2; d >= 0; d--) {
      a += sa[d]!;
      b += sb[d]!;
      if (++coord[d]! < shape[d]!) break;
      a -= sa[d]! * shape[d]!;
      b -= sb[d]! * shape[d]!;
      coord[d] = 0;
    }
  }
}

export function gather(
  x: TypedArray,
  xShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  out: TypedArray,
): void {
  const xs = rowMajor(xShape).slice();
  const dimStride = xs[dim] ?? 0; // 0-d: no dim to stride
  xs[dim] = 0; // the index supplies this coordinate
  const last = indexShape.length - 1,
    step = xs[last] ?? 0;
  walkRuns(indexShape, xs, xs, (f, base, _b, len) => {
    for (let j = 0; j < len; j++) out[f + j] = x[base + j * step + index[f + j]! * dimStride]!;
  });
}

export function scatterAdd(
  out: TypedArray,
  outShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  src: TypedArray,
  srcShape: readonly number[],
): void {
  const os = rowMajor(outShape).slice(),
    ss = rowMajor(srcShape);
  const dimStride = os[dim] ?? 0;
  os[dim] = 0;
  const last = indexShape.length - 1,
    oStep = os[last] ?? 0,
    sStep = ss[last] ?? 0;
  walkRuns(indexShape, os, ss, (f, o, s, len) => {
    for (let j = 0; j < len; j++) out[o + j * oStep + index[f + j]! * dimStride]! += src[s + j * sStep]!;
  });
}
