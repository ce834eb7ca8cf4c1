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
import { type KernelName, type Threading, runRows, threadLocal } from "./threads.js";

/**
 * Rows (sample ranges) per thread: more than one, so that when a worker runs slow (this host's
 * second vCPU is at times shared) the caller claims more of them. Each thread keeps its own
 * columns, packed weight and GEMM scratch (thread-local), so a finer split costs no cold buffers.
 */
const ROWS_PER_THREAD = 4;

const runsCache = new Map<string, Int32Array>();

/** Triples (dst in the K*L block, src in the image plane, length), cached per geometry. */
export function convRuns(g: ConvGeometry): Int32Array {
  const key = geometryKey(g);
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

const geometryKey = (g: ConvGeometry): string => [g.imgSize, g.kernel, g.stride, g.padding, g.dilation, g.colSize].map((a) => a.join(",")).join("|");

/**
 * Bytes of columns one chunk of output positions should take (all channels and taps): small
 * enough that the columns, their packed GEMM panels and the output block stay in a core's L2
 * (1 MiB here). Measured on conv2d N=32, 16->32, 32x32, k=3, interleaved in one process, minimum
 * of 15: whole-sample columns (576 KiB) 9.10 ms forward and 16.7 ms forward+backward kernels on
 * one thread; 128 KiB chunks 8.33 and 16.4 (32-256 KiB all within 3%). Tests shrink it to cut
 * runs at awkward places.
 */
let chunkBytes = 128 * 1024;

/** Set the chunk size in bytes (tests and measurements); returns the previous one. */
export function setChunkBytes(bytes: number): number {
  const prev = chunkBytes;
  chunkBytes = bytes;
  return prev;
}

/** Output positions per chunk for `rows` column rows (C*K): a multiple of 8 (the GEMM's tile width), at least 8. */
export function chunkLength(rows: number, L: number): number {
  const lc = Math.max(8, Math.floor(chunkBytes / (4 * rows) / 8) * 8);
  return Math.min(L, lc);
}

export interface ChunkedRuns {
  /** Triples (dst in the chunk's K*lc block, src in the image plane, length), chunk after chunk. */
  runs: Int32Array;
  /** Quads (l0, lc, first run, run count), one per chunk of output positions. */
  chunks: Int32Array;
  /** The longest chunk's length. */
  longest: number;
}

const chunkCache = new Map<string, ChunkedRuns>();

/**
 * The geometry's runs split at chunk boundaries of `lc` output positions and rebased to each
 * chunk's own [K, lc] column block, so a kernel can lower one chunk at a time.
 */
export function chunkedRuns(g: ConvGeometry, lc: number): ChunkedRuns {
  const key = `${geometryKey(g)}|${lc}`;
  let cached = chunkCache.get(key);
  if (cached) return cached;
  const full = convRuns(g);
  const L = g.colSize.reduce((a, b) => a * b, 1);
  const nChunks = Math.ceil(L / lc);
  const perChunk: number[][] = Array.from({ length: nChunks }, () => []);
  for (let r = 0; r < full.length; r += 3) {
    // a run may cross taps (and chunks): cut it where either ends
    let t = full[r]!, src = full[r + 1]!, left = full[r + 2]!;
    while (left > 0) {
      const k = Math.floor(t / L), l = t % L, ch = Math.floor(l / lc), l0 = ch * lc;
      const len = Math.min(left, Math.min(L, l0 + lc) - l);
      perChunk[ch]!.push(k * Math.min(lc, L - l0) + (l - l0), src, len);
      t += len; src += len; left -= len;
    }
  }
  const chunks = new Int32Array(4 * nChunks);
  let first = 0;
  perChunk.forEach((rs, ch) => {
    chunks.set([ch * lc, Math.min(lc, L - ch * lc), first, rs.length / 3], 4 * ch);
    first += rs.length / 3;
  });
  cached = { runs: Int32Array.from(perChunk.flat()), chunks, longest: Math.min(lc, L) };
  if (chunkCache.size > 64) chunkCache.clear();
  chunkCache.set(key, cached);
  return cached;
}

export function makeConv(rt: WasmRuntime, arena: Arena, pool: Threading) {
  const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);

  /** Sample ranges, ROWS_PER_THREAD per thread (one range when the work is too small to split). */
  function ranges(batch: number, flops: number): [number, number][] {
    const { pool: p, threads } = pool();
    return p && threads > 1 && flops >= PARALLEL_FLOPS ? splitRange(batch, ROWS_PER_THREAD * threads, 1) : [[0, batch]];
  }

  /** Threads that may run `rows`: the caller plus the workers, at most one per row. */
  const threadsFor = (rows: number): number => Math.min(rows, pool().pool ? pool().threads : 1);

  /**
   * Each thread's buffers for a GEMM conv kernel, as threadLocal(0..2): columns for the longest
   * chunk, its GEMM scratch, the packed weight.
   */
  function gemmLocals(rows: number, colsFloats: number, packedFloats: number): number[][] {
    return Array.from({ length: threadsFor(rows) }, (_, t) => [arena.alloc(colsFloats * 4), arena.scratch(t), arena.alloc(packedFloats * 4)]);
  }
  const [COLS, SCRATCH, PACKED] = [threadLocal(0), threadLocal(1), threadLocal(2)];

  const dispatch = (kernel: KernelName, rows: number[][], locals: number[][] = []): void => runRows(rt, pool, kernel, rows, locals);

  /**
   * Groups that each read one input channel and write fewer than 4 (depthwise, multiplier 1-3)
   * take the direct kernels: as a GEMM each group is a product of 1-3 rows, which the 4-row
   * micro-kernel runs mostly empty (measured: 2.2x forward, 3.5x forward+backward on N=32,
   * C=64, 32x32, k=3). With 4 or more outputs per input channel (a first conv on one channel,
   * 1 -> 16) the GEMM's tiles are full and it wins (measured on 64 8x8 images: 71 us against
   * 273 us for the direct kernel's short runs).
   */
  const depthwise = (s: { CKg: number; K: number; Og: number }): boolean => s.CKg === s.K && s.Og < 4;

  /** Copy the geometry's runs into the arena. */
  function runsIn(g: ConvGeometry): [number, number] {
    const runs = convRuns(g);
    const p = arena.alloc(runs.length * 4);
    arena.i32(p, runs.length).set(runs);
    return [p, runs.length / 3];
  }

  /** Copy the geometry's chunked runs into the arena: [runs, chunks, chunk count, longest chunk]. */
  function chunksIn(g: ConvGeometry, rows: number): [number, number, number, number] {
    const L = g.colSize.reduce((a, b) => a * b, 1);
    const { runs, chunks, longest } = chunkedRuns(g, chunkLength(rows, L));
    const pr = arena.alloc(Math.max(1, runs.length) * 4), pc = arena.alloc(chunks.length * 4);
    arena.i32(pr, runs.length).set(runs);
    arena.i32(pc, chunks.length).set(chunks);
    return [pr, pc, chunks.length / 4, longest];
  }

  function forward(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, g: ConvGeometry, groups: number, outChannels: number): void {
    const s = ref.convSizes(g, groups, outChannels);
    const rs = ranges(g.batch, 2 * g.batch * s.O * s.CKg * s.L);
    arena.reset();
    const px = arena.copyIn(x), pw = arena.copyIn(w), pBias = bias ? arena.copyIn(bias) : 0;
    const pOut = arena.alloc(out.length * 4);
    if (depthwise(s)) {
      const [pRuns, nRuns] = runsIn(g);
      dispatch("depthwiseForward", rs.map(([n0, n1]) => [px, pw, pOut, n0, n1, s.C, s.P, s.O, s.K, s.L, pRuns, nRuns, pBias]));
      out.set(arena.f32(pOut, out.length));
      return;
    }
    const packedW = rt.exports.convPackedWeightFloats(s.O, s.CKg, groups);
    const [pChunkRuns, pChunks, nChunks, longest] = chunksIn(g, s.C * s.K);
    const locals = gemmLocals(rs.length, s.C * s.K * longest, packedW);
    dispatch("convForward", rs.map(([n0, n1]) => [px, pw, pOut, n0, n1, s.C, s.P, s.O, s.K, s.L, groups, pChunkRuns, pChunks, nChunks, COLS, SCRATCH, pBias, PACKED]), locals);
    out.set(arena.f32(pOut, out.length));
  }

  /** dx and/or dw (either may be null); the weight gradient sums per-thread partials. */
  function backward(x: Float32Array | null, w: Float32Array | null, dy: Float32Array, dx: Float32Array | null, dw: Float32Array | null, g: ConvGeometry, groups: number, outChannels: number): void {
    const s = ref.convSizes(g, groups, outChannels);
    const rs = ranges(g.batch, (dx && dw ? 4 : 2) * g.batch * s.O * s.CKg * s.L);
    arena.reset();
    const px = x ? arena.copyIn(x) : 0, pw = w ? arena.copyIn(w) : 0, pdy = arena.copyIn(dy);
    const pdx = dx ? arena.alloc(dx.length * 4) : 0;
    const pdw = rs.map(() => (dw ? arena.alloc(dw.length * 4) : 0));
    if (depthwise(s)) {
      const [pRuns, nRuns] = runsIn(g);
      if (dx) dispatch("depthwiseBackwardInput", rs.map(([n0, n1]) => [pdy, pw, pdx, n0, n1, s.C, s.P, s.O, s.K, s.L, pRuns, nRuns]));
      if (dw) dispatch("depthwiseBackwardWeight", rs.map(([n0, n1], i) => [px, pdy, pdw[i]!, n0, n1, s.C, s.P, s.O, s.K, s.L, pRuns, nRuns, 0]));
    } else {
      const packedW = rt.exports.convPackedWeightFloats(s.O, s.CKg, groups);
      const [pChunkRuns, pChunks, nChunks, longest] = chunksIn(g, s.C * s.K);
      const locals = gemmLocals(rs.length, s.C * s.K * longest, packedW);
      const rows = rs.map(([n0, n1], i) => {
        const common = [n0, n1, s.C, s.P, s.O, s.K, s.L, groups, pChunkRuns, pChunks, nChunks, COLS, SCRATCH];
        // the input gradient packs W^T once per call into the thread's block; each row sums
        // its own weight-gradient partial (the same bits whichever thread runs it)
        if (dx && dw) return [px, pw, pdy, pdx, pdw[i]!, ...common, 0, PACKED];
        if (dx) return [pdy, pw, pdx, ...common, PACKED];
        return [px, pdy, pdw[i]!, ...common, 0];
      });
      dispatch(dx && dw ? "convBackward" : dx ? "convBackwardInput" : "convBackwardWeight", rows, locals);
    }
    if (dx) dx.set(arena.f32(pdx, dx.length));
    if (dw) {
      dw.set(arena.f32(pdw[0]!, dw.length));
      for (let i = 1; i < pdw.length; i++) {
        const part = arena.f32(pdw[i]!, dw.length);
        for (let j = 0; j < dw.length; j++) dw[j] += part[j]!;
      }
    }
  }

  return {
    convForward(x: TypedArray, w: TypedArray, bias: TypedArray | null, out: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, w, out) || (bias && !f32(bias))) return ref.convForward(x, w, bias, out, g, groups, outChannels);
      if (out.length === 0) return;
      forward(x as Float32Array, w as Float32Array, bias as Float32Array | null, out as Float32Array, g, groups, outChannels);
    },
    convBackward(x: TypedArray, w: TypedArray, dy: TypedArray, dx: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, w, dy, dx, dw)) return ref.convBackward(x, w, dy, dx, dw, g, groups, outChannels);
      if (g.batch === 0) { dw.fill(0); return; }
      backward(x as Float32Array, w as Float32Array, dy as Float32Array, dx as Float32Array, dw as Float32Array, g, groups, outChannels);
    },
    convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(dy, w, img)) return ref.convBackwardInput(dy, w, img, g, groups, outChannels);
      if (img.length === 0) return;
      backward(null, w as Float32Array, dy as Float32Array, img as Float32Array, null, g, groups, outChannels);
    },
    convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, dy, dw)) return ref.convBackwardWeight(x, dy, dw, g, groups, outChannels);
      if (g.batch === 0) { dw.fill(0); return; }
      backward(x as Float32Array, null, dy as Float32Array, null, dw as Float32Array, g, groups, outChannels);
    },
  };
}
