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
import { PARALLEL_FLOPS, splitRange } from "./matmul.js";
import type { ThreadPool } from "./threads.js";

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

export function makeConv(rt: WasmRuntime, arena: Arena, pool: () => { pool: ThreadPool | null; threads: number }) {
  const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);
  type Kernel = "convForward" | "convBackwardInput" | "convBackwardWeight";
  /**
   * Copy the operands in, split the samples across threads (each with its own columns and GEMM
   * scratch), run, copy `out` back. The weight gradient sums per-thread partials afterwards.
   */
  function run(kernel: Kernel, g: ConvGeometry, groups: number, outChannels: number, x: Float32Array, w: Float32Array, out: Float32Array, bias: Float32Array | null = null): void {
    const s = ref.convSizes(g, groups, outChannels);
    const runs = convRuns(g);
    const { pool: p, threads } = pool();
    const flops = 2 * g.batch * s.O * s.CKg * s.L;
    const ranges = p && threads > 1 && flops >= PARALLEL_FLOPS ? splitRange(g.batch, threads, 1) : [[0, g.batch] as [number, number]];
    arena.reset();
    const px = arena.f32In(x), pw = arena.f32In(w), pBias = bias ? arena.f32In(bias) : 0;
    const pRuns = arena.alloc(runs.length * 4);
    arena.i32(pRuns, runs.length).set(runs);
    const weightGrad = kernel === "convBackwardWeight";
    // the weight gradient: thread i writes its own partial sum
    const outs = ranges.map((_, i) => (i === 0 || weightGrad ? arena.alloc(out.length * 4) : 0));
    const rows = ranges.map(([n0, n1], i) => {
      const cols = arena.alloc(s.C * s.K * s.L * 4);
      const row = [px, pw, weightGrad ? outs[i]! : outs[0]!, n0, n1, s.C, s.P, s.O, s.K, s.L, groups, pRuns, runs.length / 3, cols, arena.scratch(i)];
      return weightGrad ? [...row, 0] : kernel === "convForward" ? [...row, pBias] : row;
    });
    if (rows.length === 1) (rt.exports[kernel] as (...a: number[]) => void)(...rows[0]!);
    else p!.run(kernel, rows);
    out.set(arena.f32(outs[0]!, out.length));
    for (let i = 1; weightGrad && i < outs.length; i++) {
      const part = arena.f32(outs[i]!, out.length);
      for (let j = 0; j < out.length; j++) out[j] += part[j]!;
    }
  }
  /** Both gradients in one pass: dx split by samples, dw as per-thread partials summed after. */
  function backward(g: ConvGeometry, groups: number, outChannels: number, x: Float32Array, w: Float32Array, dy: Float32Array, dx: Float32Array, dw: Float32Array): void {
    const s = ref.convSizes(g, groups, outChannels);
    const runs = convRuns(g);
    const { pool: p, threads } = pool();
    const flops = 4 * g.batch * s.O * s.CKg * s.L;
    const ranges = p && threads > 1 && flops >= PARALLEL_FLOPS ? splitRange(g.batch, threads, 1) : [[0, g.batch] as [number, number]];
    arena.reset();
    const px = arena.f32In(x), pw = arena.f32In(w), pdy = arena.f32In(dy);
    const pRuns = arena.alloc(runs.length * 4);
    arena.i32(pRuns, runs.length).set(runs);
    const pdx = arena.alloc(dx.length * 4);
    const pdw = ranges.map(() => arena.alloc(dw.length * 4));
    const rows = ranges.map(([n0, n1], i) => [px, pw, pdy, pdx, pdw[i]!, n0, n1, s.C, s.P, s.O, s.K, s.L, groups, pRuns, runs.length / 3, arena.alloc(s.C * s.K * s.L * 4), arena.scratch(i), 0]);
    if (rows.length === 1) rt.exports.convBackward(...(rows[0]! as Parameters<typeof rt.exports.convBackward>));
    else p!.run("convBackward", rows);
    dx.set(arena.f32(pdx, dx.length));
    dw.set(arena.f32(pdw[0]!, dw.length));
    for (let i = 1; i < pdw.length; i++) {
      const part = arena.f32(pdw[i]!, dw.length);
      for (let j = 0; j < dw.length; j++) dw[j] += part[j]!;
    }
  }
  return {
    convBackward(x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, w, dy, dx, dw)) return ref.convBackward(x, w, dy, dx, dw, g, groups, outChannels);
      if (g.batch === 0) { dw.fill(0); return; }
      backward(g, groups, outChannels, x as Float32Array, w as Float32Array, dy as Float32Array, dx as Float32Array, dw as Float32Array);
    },
    convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, w, out) || (bias && !f32(bias))) return ref.convForward(x, w, bias, out, g, groups, outChannels);
      if (out.length === 0) return;
      run("convForward", g, groups, outChannels, x as Float32Array, w as Float32Array, out as Float32Array, bias as Float32Array | null);
    },
    convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(dy, w, img)) return ref.convBackwardInput(dy, w, img, g, groups, outChannels);
      if (img.length === 0) return;
      run("convBackwardInput", g, groups, outChannels, dy as Float32Array, w as Float32Array, img as Float32Array);
    },
    convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, dy, dw)) return ref.convBackwardWeight(x, dy, dw, g, groups, outChannels);
      if (g.batch === 0) { dw.fill(0); return; }
      run("convBackwardWeight", g, groups, outChannels, x as Float32Array, dy as Float32Array, dw as Float32Array);
    },
  };
}
