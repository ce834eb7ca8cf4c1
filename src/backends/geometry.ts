// Convolution and pooling geometry shared by every backend: which input position each kernel
// tap reads at each output position, the sizes a conv kernel works with, the pooling windows, and
// when a strided copy is a contiguous fill.
// Kernels differ in how they compute; they must not differ in what they read.

import { numelOf, stridesOf } from "../tensor/shape.js";
import type { ConvGeometry, PoolGeometry } from "./backend.js";

/** What a conv's tap geometry depends on (not batch or channels): the key of every per-geometry cache. */
export const convGeometryKey = (g: ConvGeometry): string =>
  [g.imgSize, g.kernel, g.stride, g.padding, g.dilation, g.colSize].map((a) => a.join(",")).join("|");

/** `make()` for `key`, computed once and kept in `cache` (cleared past 64 entries). Callers must not write the result. */
export function cachedBy<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size > 64) cache.clear();
    cache.set(key, v);
  }
  return v;
}

const tapCache = new Map<string, Int32Array>();

/**
 * offsets[k * L + l] = image-plane offset read by tap k at output position l, or -1 over padding.
 * Cached per geometry (read-only): every conv call of a layer asks for the same table.
 */
export function tapTable(g: ConvGeometry): Int32Array {
  return cachedBy(tapCache, convGeometryKey(g), () => buildTapTable(g));
}

function buildTapTable(g: ConvGeometry): Int32Array {
  const nd = g.imgSize.length,
    K = numelOf(g.kernel),
    L = numelOf(g.colSize);
  // per dim: coordinate of tap k at output o, or -1 outside the image
  const perDim = g.imgSize.map((_, d) => tapCoordinates(g, d));
  const imgStride = stridesOf(g.imgSize);
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

/** Along dim d: t[k * colSize[d] + o] = o * stride - padding + k * dilation, or -1 outside the image. */
export function tapCoordinates(g: ConvGeometry, d: number): Int32Array {
  const n = g.imgSize[d]!,
    K = g.kernel[d]!,
    L = g.colSize[d]!;
  const t = new Int32Array(K * L);
  for (let k = 0; k < K; k++) {
    for (let o = 0; o < L; o++) {
      const i = o * g.stride[d]! - g.padding[d]! + k * g.dilation[d]!;
      t[k * L + o] = i >= 0 && i < n ? i : -1;
    }
  }
  return t;
}

/** The sizes every conv kernel works with: C, P (image plane), K (taps), L (output positions), per-group C*K. */
export function convSizes(g: ConvGeometry, groups: number, outChannels: number) {
  const C = g.channels,
    P = numelOf(g.imgSize),
    K = numelOf(g.kernel),
    L = numelOf(g.colSize);
  return { C, P, K, L, O: outChannels, Og: outChannels / groups, Cg: C / groups, CKg: (C / groups) * K };
}

/** For each output position, the flat input-plane offsets of its pooling window (padding dropped). */
function poolWindows(g: PoolGeometry): Int32Array[] {
  const nd = g.inSize.length;
  const inStride = stridesOf(g.inSize);
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
  for (let o = 0; o < numelOf(g.outSize); o++) {
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

const csrCache = new Map<string, { start: Int32Array; offs: Int32Array }>();

/** The pooling windows in compressed-row form (window o = offs[start[o] .. start[o+1])), cached per geometry. */
export function poolWindowsCsr(g: PoolGeometry): { start: Int32Array; offs: Int32Array } {
  const key = [g.inSize, g.outSize, g.dilation, ...g.start, ...g.count].map((a) => Array.from(a).join(",")).join("|");
  return cachedBy(csrCache, key, () => {
    const win = poolWindows(g);
    const start = new Int32Array(win.length + 1);
    win.forEach((w, o) => {
      start[o + 1] = start[o]! + w.length;
    });
    const offs = new Int32Array(start[win.length]!);
    win.forEach((w, o) => offs.set(w, start[o]!));
    return { start, offs };
  });
}

/** Whether `strides` are the contiguous row-major strides of `shape` (size-1 dims may have any stride). */
export function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expect) return false;
    expect *= shape[d]!;
  }
  return true;
}
