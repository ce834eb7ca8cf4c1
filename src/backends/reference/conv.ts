// Reference convolution: the definition, one output (input-gradient, weight-gradient) element at
// a time, summed in float64 and rounded once. It shares no lowering with the fast kernels it
// checks (no columns, no GEMM); only the geometry (which input a tap reads, geometry.ts) is common
// to every backend. im2col / col2im are kernels of their own (F.unfold / F.fold).

import type { TypedArray } from "../../tensor/dtype.js";
import type { ConvGeometry } from "../backend.js";
import { numelOf } from "../../tensor/shape.js";
import { convSizes, tapTable } from "../geometry.js";

/** out[n, o, l] = bias[o] + sum over the group's channels c and taps k of w[o, c, k] * x[n, c, tap k at l]. */
export function convForward(
  x: TypedArray,
  w: TypedArray,
  bias: TypedArray | null,
  out: TypedArray,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): void {
  const { C, P, K, L, O, Og, Cg } = convSizes(g, groups, outChannels);
  const taps = tapTable(g);
  for (let n = 0; n < g.batch; n++) {
    for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / Og) * Cg;
      for (let l = 0; l < L; l++) {
        let acc = 0;
        for (let c = 0; c < Cg; c++) {
          const xc = (n * C + c0 + c) * P,
            wc = (o * Cg + c) * K;
          for (let k = 0; k < K; k++) {
            const off = taps[k * L + l]!;
            if (off >= 0) acc += w[wc + k]! * x[xc + off]!;
          }
        }
        const i = (n * O + o) * L + l;
        out[i] = acc;
        // the sum is stored (rounded to out's dtype) first, then the bias added, as PyTorch
        if (bias) out[i] = out[i]! + bias[o]!;
      }
    }
  }
}

/** img[n, c, p] = sum over every (output channel o, position l, tap k) whose tap k at l reads p of w[o, c, k] * dy[n, o, l]. */
export function convBackwardInput(
  dy: TypedArray,
  w: TypedArray,
  img: TypedArray,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): void {
  const { C, P, K, L, O, Og, Cg } = convSizes(g, groups, outChannels);
  const taps = tapTable(g);
  const acc = new Float64Array(P);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < C; c++) {
      acc.fill(0);
      const q = Math.floor(c / Cg),
        cc = c - q * Cg;
      for (let o = q * Og; o < (q + 1) * Og; o++) {
        const dyo = (n * O + o) * L;
        for (let k = 0; k < K; k++) {
          const wv = w[(o * Cg + cc) * K + k]!;
          for (let l = 0; l < L; l++) {
            const off = taps[k * L + l]!;
            if (off >= 0) acc[off]! += wv * dy[dyo + l]!;
          }
        }
      }
      img.set(acc, (n * C + c) * P);
    }
  }
}

/** dw[o, c, k] = sum over samples n and positions l of dy[n, o, l] * x[n, c, tap k at l]. */
export function convBackwardWeight(
  x: TypedArray,
  dy: TypedArray,
  dw: TypedArray,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): void {
  const { C, P, K, L, O, Og, Cg } = convSizes(g, groups, outChannels);
  const taps = tapTable(g);
  for (let o = 0; o < O; o++) {
    const c0 = Math.floor(o / Og) * Cg;
    for (let c = 0; c < Cg; c++) {
      for (let k = 0; k < K; k++) {
        let acc = 0;
        for (let n = 0; n < g.batch; n++) {
          const xc = (n * C + c0 + c) * P,
            dyo = (n * O + o) * L;
          for (let l = 0; l < L; l++) {
            const off = taps[k * L + l]!;
            if (off >= 0) acc += dy[dyo + l]! * x[xc + off]!;
          }
        }
        dw[(o * Cg + c) * K + k] = acc;
      }
    }
  }
}

export function convBackward(
  x: TypedArray,
  w: TypedArray,
  dy: TypedArray,
  dx: TypedArray,
  dw: TypedArray,
  g: ConvGeometry,
  groups: number,
  outChannels: number,
): void {
  convBackwardInput(dy, w, dx, g, groups, outChannels);
  convBackwardWeight(x, dy, dw, g, groups, outChannels);
}

/** cols [N, C, K, L] = the image value each (tap, output position) reads, 0 over padding. */
export function im2col(img: TypedArray, cols: TypedArray, g: ConvGeometry): void {
  const table = tapTable(g);
  const P = numelOf(g.imgSize),
    KL = table.length;
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const src = (n * g.channels + c) * P,
        dst = (n * g.channels + c) * KL;
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
  const P = numelOf(g.imgSize),
    KL = table.length;
  img.fill(0, 0, g.batch * g.channels * P);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.channels; c++) {
      const dst = (n * g.channels + c) * P,
        src = (n * g.channels + c) * KL;
      for (let t = 0; t < KL; t++) {
        const off = table[t]!;
        if (off >= 0) img[dst + off]! += cols[src + t]!;
      }
    }
  }
}
