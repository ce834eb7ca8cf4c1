// Reference im2col / col2im for 1-, 2- and 3-d convolutions. Both walk one table that maps each
// (kernel tap, output position) pair to an offset in the image plane, or -1 over padding: the
// table is built once per call from per-dim tables, so the inner loops are plain gathers.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ConvGeometry } from "../backend.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

/** offsets[k * L + l] = image-plane offset read by tap k at output position l, or -1. */
function tapTable(g: ConvGeometry): Int32Array {
  const nd = g.imgSize.length, K = prod(g.kernel), L = prod(g.colSize);
  // per dim: coordinate of tap k at output o, or -1 outside the image
  const perDim = g.imgSize.map((n, d) => {
    const t = new Int32Array(g.kernel[d]! * g.colSize[d]!);
    for (let k = 0; k < g.kernel[d]!; k++) {
      for (let o = 0; o < g.colSize[d]!; o++) {
        const i = o * g.stride[d]! - g.padding[d]! + k * g.dilation[d]!;
        t[k * g.colSize[d]! + o] = i >= 0 && i < n ? i : -1;
      }
    }
    return t;
  });
  const imgStride = g.imgSize.map((_, d) => prod(g.imgSize.slice(d + 1)));
  const table = new Int32Array(K * L);
  const kc = new Array<number>(nd).fill(0);
  for (let k = 0; k < K; k++) {
    const oc = new Array<number>(nd).fill(0);
    for (let l = 0; l < L; l++) {
      let off = 0;
      for (let d = 0; d < nd; d++) {
        const i = perDim[d]![kc[d]! * g.colSize[d]! + oc[d]!]!;
        if (i < 0) {
          off = -1;
          break;
        }
        off += i * imgStride[d]!;
      }
      table[k * L + l] = off;
      for (let d = nd - 1; d >= 0 && ++oc[d]! === g.colSize[d]; d--) oc[d] = 0;
    }
    for (let d = nd - 1; d >= 0 && ++kc[d]! === g.kernel[d]; d--) kc[d] = 0;
  }
  return table;
}

export function im2col(img: TypedArray, cols: TypedArray, g: ConvGeometry): void {
  const table = tapTable(g);
  const P = prod(g.imgSize), KL = table.length;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const src = (n * g.channels + c) * P, dst = (n * g.channels + c) * KL;
      for (let t = 0; t < KL; t++) {
        const off = table[t]!;
        cols[dst + t] = off < 0 ? 0 : img[src + off]!;
      }
    }
  }
}

export function col2im(cols: TypedArray, img: TypedArray, g: ConvGeometry): void {
  const table = tapTable(g);
  const P = prod(g.imgSize), KL = table.length;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const dst = (n * g.channels + c) * P, src = (n * g.channels + c) * KL;
      for (let t = 0; t < KL; t++) {
        const off = table[t]!;
        if (off >= 0) img[dst + off]! += cols[src + t]!;
      }
    }
  }
}
