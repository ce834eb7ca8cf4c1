// Reference data movement: strided copies (permute, expand, slice, flip, cat all lower to it)
// and the index kernels (indexSelect/indexAdd, gather/scatterAdd).

import type { TypedArray } from "../../tensor/dtype.js";
import type { CopyGeometry } from "../backend.js";
import { stridesOf } from "../../tensor/shape.js";

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
  const len = shape[nd - 1]!, ss = srcStrides[nd - 1]!, ds = dstStrides[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let so = g.srcOffset, dOff = g.dstOffset;
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
      const src = (o * size + index[j]!) * inner, dst = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x[src + i]!;
    }
  }
}

export function indexAdd(out: TypedArray, outer: number, size: number, inner: number, index: Int32Array, src: TypedArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const dst = (o * size + index[j]!) * inner, s = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i]! += src[s + i]!;
    }
  }
}

const rowMajor = stridesOf;

/** Visit every position of `shape` in row-major order, with its coordinate vector (reused). */
function forEachIndex(shape: readonly number[], body: (flat: number, coord: number[]) => void): void {
  let total = 1;
  for (const d of shape) total *= d;
  const coord = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < total; f++) {
    body(f, coord);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d]! < shape[d]!) break;
      coord[d] = 0;
    }
  }
}

export function gather(x: TypedArray, xShape: readonly number[], dim: number, index: Int32Array, indexShape: readonly number[], out: TypedArray): void {
  const xs = rowMajor(xShape);
  forEachIndex(indexShape, (f, c) => {
    let off = 0;
    for (let d = 0; d < c.length; d++) off += (d === dim ? index[f]! : c[d]!) * xs[d]!;
    out[f] = x[off]!;
  });
}

export function scatterAdd(out: TypedArray, outShape: readonly number[], dim: number, index: Int32Array, indexShape: readonly number[], src: TypedArray, srcShape: readonly number[]): void {
  const os = rowMajor(outShape), ss = rowMajor(srcShape);
  forEachIndex(indexShape, (f, c) => {
    let o = 0, s = 0;
    for (let d = 0; d < c.length; d++) {
      o += (d === dim ? index[f]! : c[d]!) * os[d]!;
      s += c[d]! * ss[d]!;
    }
    out[o]! += src[s]!;
  });
}
