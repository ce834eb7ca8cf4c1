// Reference im2col / col2im for 1-, 2- and 3-d convolutions. Both walk one table that maps each
// (kernel tap, output position) pair to an offset in the image plane, or -1 over padding: the
// table is built once per call from per-dim tables, so the inner loops are plain gathers.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ConvGeometry } from "../backend.js";
import { matmul } from "./matmul.js";

const prod = (a: readonly number[]): number => a.reduce((x, y) => x * y, 1);

/** offsets[k * L + l] = image-plane offset read by tap k at output position l, or -1. */
export function tapTable(g: ConvGeometry): Int32Array {
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

/** cols [N, C, K, L] = the image value each (tap, output position) reads, 0 over padding. */
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

/** The adjoint of im2col: img (overwritten) = every column entry added back at its image offset. */
export function col2im(cols: TypedArray, img: TypedArray, g: ConvGeometry): void {
  const table = tapTable(g);
  const P = prod(g.imgSize), KL = table.length;
  img.fill(0, 0, g.batch * g.channels * P);
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

/** The sizes every conv kernel works with: C, P (image plane), K (taps), L (output positions), per-group C*K. */
export function convSizes(g: ConvGeometry, groups: number, outChannels: number) {
  const C = g.channels, P = prod(g.imgSize), K = prod(g.kernel), L = prod(g.colSize);
  return { C, P, K, L, O: outChannels, Og: outChannels / groups, CKg: (C / groups) * K };
}

const one = (g: ConvGeometry): ConvGeometry => ({ ...g, batch: 1 });

export function convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
  const { C, P, K, L, O, Og, CKg } = convSizes(g, groups, outChannels);
  const cols = new (x.constructor as new (n: number) => TypedArray)(C * K * L);
  for (let n = 0; n < g.batch; n++) {
    im2col(x.subarray(n * C * P, (n + 1) * C * P), cols, one(g));
    for (let q = 0; q < groups; q++) {
      matmul(w.subarray(q * Og * CKg), cols.subarray(q * CKg * L), out.subarray((n * O + q * Og) * L, (n * O + (q + 1) * Og) * L), { batch: 1, m: Og, k: CKg, n: L, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false });
    }
    if (bias) for (let o = 0; o < O; o++) for (let l = 0, base = (n * O + o) * L, v = bias[o]!; l < L; l++) out[base + l] += v;
  }
}

export function convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
  const { C, P, K, L, O, Og, CKg } = convSizes(g, groups, outChannels);
  const cols = new (dy.constructor as new (n: number) => TypedArray)(C * K * L);
  for (let n = 0; n < g.batch; n++) {
    for (let q = 0; q < groups; q++) {
      matmul(w.subarray(q * Og * CKg), dy.subarray((n * O + q * Og) * L), cols.subarray(q * CKg * L, (q + 1) * CKg * L), { batch: 1, m: CKg, k: Og, n: L, aBatchStride: 0, bBatchStride: 0, transA: true, transB: false });
    }
    col2im(cols, img.subarray(n * C * P, (n + 1) * C * P), one(g));
  }
}

export function convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
  const { C, P, K, L, O, Og, CKg } = convSizes(g, groups, outChannels);
  const cols = new (x.constructor as new (n: number) => TypedArray)(C * K * L);
  const part = new (dw.constructor as new (n: number) => TypedArray)(Og * CKg);
  dw.fill(0);
  for (let n = 0; n < g.batch; n++) {
    im2col(x.subarray(n * C * P, (n + 1) * C * P), cols, one(g));
    for (let q = 0; q < groups; q++) {
      matmul(dy.subarray((n * O + q * Og) * L), cols.subarray(q * CKg * L), part, { batch: 1, m: Og, k: L, n: CKg, aBatchStride: 0, bBatchStride: 0, transA: false, transB: true });
      const base = q * Og * CKg;
      for (let i = 0; i < part.length; i++) dw[base + i] += part[i]!;
    }
  }
}

export function convBackward(x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
  convBackwardInput(dy, w, dx, g, groups, outChannels);
  convBackwardWeight(x, dy, dw, g, groups, outChannels);
}
