// float32 convolutions on the wasm kernels (per-sample im2col + GEMM inside wasm memory, so the
// column matrix never crosses into JS); other dtypes take the reference kernels.
//
// The geometry goes to wasm as "runs": maximal stretches where consecutive column entries of one
// channel read consecutive image elements, built from the reference backend's tap table (the
// same specification) and cached per geometry.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ConvGeometry } from "../backend.js";
import * as ref from "../reference/conv.js";
import type { Arena, WasmRuntime } from "./runtime.js";

const runsCache = new Map<string, Int32Array>();

/** Triples (dst in the K*L block, src in the image plane, length), cached per geometry. */
export function convRuns(g: ConvGeometry): Int32Array {
  const key = [g.imgSize, g.kernel, g.stride, g.padding, g.dilation, g.colSize].map((a) => a.join(",")).join("|");
  let runs = runsCache.get(key);
  if (runs) return runs;
  const table = ref.tapTable(g);
  const out: number[] = [];
  for (let t = 0; t < table.length;) {
    if (table[t]! < 0) { t++; continue; }
    let len = 1;
    while (t + len < table.length && table[t + len] === table[t]! + len) len++;
    out.push(t, table[t]!, len);
    t += len;
  }
  runs = Int32Array.from(out);
  if (runsCache.size > 64) runsCache.clear();
  runsCache.set(key, runs);
  return runs;
}

export function makeConv(rt: WasmRuntime, arena: Arena) {
  const k = rt.exports;
  /** Copy operands in, run `body` with their addresses and the shared per-call buffers, copy `out` back. */
  function call(g: ConvGeometry, groups: number, outChannels: number, inputs: Float32Array[], out: Float32Array,
    body: (p: number[], s: ReturnType<typeof ref.convSizes>, runs: number, nRuns: number, cols: number) => void): void {
    const s = ref.convSizes(g, groups, outChannels);
    const runs = convRuns(g);
    arena.reset();
    const ptrs = inputs.map((x) => arena.f32In(x));
    const pOut = arena.alloc(out.length * 4);
    const pRuns = arena.alloc(runs.length * 4);
    arena.i32(pRuns, runs.length).set(runs);
    const cols = arena.alloc(s.C * s.K * s.L * 4);
    body([...ptrs, pOut], s, pRuns, runs.length / 3, cols);
    out.set(arena.f32(pOut, out.length));
  }
  const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);
  return {
    convForward(x: TypedArray, w: TypedArray, out: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, w, out)) return ref.convForward(x, w, out, g, groups, outChannels);
      if (out.length === 0) return;
      call(g, groups, outChannels, [x as Float32Array, w as Float32Array], out as Float32Array, (p, s, runs, nRuns, cols) =>
        k.convForward(p[0]!, p[1]!, p[2]!, 0, g.batch, s.C, s.P, s.O, s.K, s.L, groups, runs, nRuns, cols, arena.scratch(0)));
    },
    convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(dy, w, img)) return ref.convBackwardInput(dy, w, img, g, groups, outChannels);
      if (img.length === 0) return;
      call(g, groups, outChannels, [dy as Float32Array, w as Float32Array], img as Float32Array, (p, s, runs, nRuns, cols) =>
        k.convBackwardInput(p[0]!, p[1]!, p[2]!, 0, g.batch, s.C, s.P, s.O, s.K, s.L, groups, runs, nRuns, cols, arena.scratch(0)));
    },
    convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, dy, dw)) return ref.convBackwardWeight(x, dy, dw, g, groups, outChannels);
      if (g.batch === 0) { dw.fill(0); return; }
      call(g, groups, outChannels, [x as Float32Array, dy as Float32Array], dw as Float32Array, (p, s, runs, nRuns, cols) =>
        k.convBackwardWeight(p[0]!, p[1]!, p[2]!, 0, g.batch, s.C, s.P, s.O, s.K, s.L, groups, runs, nRuns, cols, arena.scratch(0), 0));
    },
  };
}
