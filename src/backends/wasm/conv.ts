// float32 convolutions on the wasm kernels; other dtypes take the reference kernels. Three
// families, chosen per call by measured rules: direct kernels for stride 1 (assembly/direct.ts:
// no columns at all), direct depthwise kernels (one input channel per group), and otherwise
// im2col + GEMM per sample, a chunk of output positions at a time, inside wasm memory (the
// columns never cross into JS).
//
// The geometry goes to wasm as "runs": maximal stretches where consecutive column entries of one
// channel read consecutive image elements, built from the reference backend's tap table (the
// same specification) and cached per geometry.

import type { TypedArray } from "../../tensor/dtype.js";
import type { ConvGeometry } from "../backend.js";
import { numelOf, stridesOf } from "../../tensor/shape.js";
import * as ref from "../reference/conv.js";
import { cachedBy, convGeometryKey, convSizes, tapTable } from "../geometry.js";
import type { Arena, WasmRuntime } from "./runtime.js";
import { PARALLEL_FLOPS, WAKE_FLOPS, splitRange } from "./matmul.js";
import { type KernelArgs, MAX_ROWS, type PoolKernel, type Threading, runRows, threadLocal } from "./threads.js";

/**
 * Rows (sample ranges) per thread: more than one, so that when a worker runs slow (this host's
 * second vCPU is at times shared) the caller claims more of them. Each thread keeps its own
 * columns, packed weight and GEMM scratch (thread-local), so a finer split costs no cold buffers.
 */
const ROWS_PER_THREAD = 4;

const runsCache = new Map<string, Int32Array>();

/**
 * Triples (dst in the K*L block, src in the image plane, length), cached per geometry. A run
 * never crosses from one tap's row of L entries into the next: the depthwise kernels read a run
 * as one tap's stretch of output positions. The tap table alone would join two taps wherever tap
 * k's last output reads the element just before tap k+1's first (a single output position, or
 * dilation = stride * (L - 1) + 1), and the joined run made them write past the output row.
 */
export function convRuns(g: ConvGeometry): Int32Array {
  return cachedBy(runsCache, convGeometryKey(g), () => buildRuns(g));
}

function buildRuns(g: ConvGeometry): Int32Array {
  const table = tapTable(g),
    L = numelOf(g.colSize);
  const out: number[] = [];
  for (let t = 0; t < table.length; ) {
    if (table[t]! < 0) {
      t++;
      continue;
    }
    const tapEnd = (Math.floor(t / L) + 1) * L;
    let len = 1;
    while (t + len < tapEnd && table[t + len] === table[t]! + len) len++;
    out.push(t, table[t]!, len);
    t += len;
  }
  return Int32Array.from(out);
}

/**
 * Bytes of columns one chunk of output positions should take (all channels and taps): small
 * enough that the columns, their packed GEMM panels and the output block stay in a core's L2
 * (1 MiB here); 32-256 KiB chunks all beat whole-sample columns (BENCHMARKS.md, engineering
 * log). Tests shrink it to cut runs at awkward places.
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
  return cachedBy(chunkCache, `${convGeometryKey(g)}|${lc}`, () => buildChunkedRuns(g, lc));
}

function buildChunkedRuns(g: ConvGeometry, lc: number): ChunkedRuns {
  const full = convRuns(g);
  const L = numelOf(g.colSize);
  const nChunks = Math.ceil(L / lc);
  const perChunk: number[][] = Array.from({ length: nChunks }, () => []);
  for (let r = 0; r < full.length; r += 3) {
    // a run may cross chunks (never taps): cut it where a chunk ends
    let t = full[r]!,
      src = full[r + 1]!,
      left = full[r + 2]!;
    while (left > 0) {
      const k = Math.floor(t / L),
        l = t % L,
        ch = Math.floor(l / lc),
        l0 = ch * lc;
      const len = Math.min(left, Math.min(L, l0 + lc) - l);
      perChunk[ch]!.push(k * Math.min(lc, L - l0) + (l - l0), src, len);
      t += len;
      src += len;
      left -= len;
    }
  }
  const chunks = new Int32Array(4 * nChunks);
  let first = 0;
  perChunk.forEach((rs, ch) => {
    chunks.set([ch * lc, Math.min(lc, L - ch * lc), first, rs.length / 3], 4 * ch);
    first += rs.length / 3;
  });
  return { runs: Int32Array.from(perChunk.flat()), chunks, longest: Math.min(lc, L) };
}

/**
 * Outputs per sample below which samples are lowered together (convForwardSamples,
 * convBackwardSamples): a per-sample product then has fewer than 8 tiles of 8 positions, and the
 * weight gradient's reduction is only that many deep.
 */
const SAMPLES_BELOW_L = 64;

/**
 * Samples per product for a GEMM-lowered conv with C*K column rows, L outputs per sample and at
 * most `rowSamples` samples per row of work: as many as fit the chunk size (their columns in L2),
 * or 1 (the per-sample kernels) where L is long enough or two samples do not fit.
 */
export function samplesPerProduct(CK: number, L: number, rowSamples: number): number {
  if (L >= SAMPLES_BELOW_L) return 1;
  const G = Math.min(rowSamples, Math.floor(chunkBytes / (4 * CK * L)));
  return G >= 2 ? G : 1;
}

const sampleRunsCache = new Map<string, Int32Array>();

/**
 * The geometry's runs for G samples unfolded side by side into one [K, G*L] block per channel:
 * sample s's runs (dst k*G*L + s*L + l, src s*C*P + its plane offset), sample after sample.
 */
export function sampleRuns(g: ConvGeometry, G: number, CP: number): Int32Array {
  return cachedBy(sampleRunsCache, `${convGeometryKey(g)}|${G}|${CP}`, () => {
    const full = convRuns(g),
      L = numelOf(g.colSize);
    const out = new Int32Array(G * full.length);
    for (let sm = 0; sm < G; sm++) {
      for (let r = 0; r < full.length; r += 3) {
        const t = full[r]!,
          o = sm * full.length + r;
        out[o] = Math.floor(t / L) * G * L + sm * L + (t % L);
        out[o + 1] = sm * CP + full[r + 1]!;
        out[o + 2] = full[r + 2]!;
      }
    }
    return out;
  });
}

/** The tables of the direct (stride-1, no im2col) kernel for one geometry and channel count. */
export interface DirectTables {
  /** Floats in one padded channel plane. */
  Pp: number;
  /** Triples (dst in the padded plane, src in the image plane, len): one per image row. */
  padRuns: Int32Array;
  /** Per reduction step (channel, tap) in the weight's order: its read offset in the padded sample. */
  offs: Int32Array;
  /** Per output row (every output dim but the last): its base in the padded sample. */
  rowBase: Int32Array;
  /** Outputs per row (the last output dim). */
  W: number;
}

const directCache = new Map<string, DirectTables>();

/** Every index of `shape` in row-major order, as a flat offset under `strides`. */
function offsetsOver(shape: readonly number[], strides: readonly number[]): number[] {
  let out = [0];
  shape.forEach((n, d) => {
    out = out.flatMap((o) => Array.from({ length: n }, (_, i) => o + i * strides[d]!));
  });
  return out;
}

/**
 * The direct kernel's tables for a stride-1 geometry: the image padded on every side by
 * g.padding (which must be >= 0), channels C.
 */
export function directTables(g: ConvGeometry, C: number): DirectTables {
  return cachedBy(directCache, `${convGeometryKey(g)}|${C}`, () => buildDirectTables(g, C));
}

function buildDirectTables(g: ConvGeometry, C: number): DirectTables {
  const nd = g.imgSize.length,
    last = nd - 1;
  const padded = g.imgSize.map((n, i) => n + 2 * g.padding[i]!),
    ps = stridesOf(padded),
    is = stridesOf(g.imgSize);
  const Pp = numelOf(padded);
  // one image row (the last dim) per run, at its padded place
  const rowStarts = offsetsOver(g.imgSize.slice(0, last), is),
    padStarts = offsetsOver(g.imgSize.slice(0, last), ps);
  const shift = g.padding.reduce((a, p, i) => a + p * ps[i]!, 0);
  const padRuns = Int32Array.from(rowStarts.flatMap((src, r) => [padStarts[r]! + shift, src, g.imgSize[last]!]));
  const taps = offsetsOver(
    g.kernel,
    g.dilation.map((d, i) => d * ps[i]!),
  );
  const offs = Int32Array.from(Array.from({ length: C }, (_, c) => taps.map((o) => c * Pp + o)).flat());
  const rowBase = Int32Array.from(offsetsOver(g.colSize.slice(0, last), ps));
  return { Pp, padRuns, offs, rowBase, W: g.colSize[last]! };
}

/**
 * The input gradient of a stride-1 conv as a direct conv's geometry: dy (sized like the
 * output) padded by dilation * (k - 1) - padding, giving an image-sized result; null where that
 * padding would be negative (padding wider than the dilated kernel), or where the image is longer
 * than the outputs reach (a transposed conv's output padding: its last positions get no tap, and
 * the symmetric padding of dy would not cover them).
 */
export function inputGradGeometry(g: ConvGeometry): ConvGeometry | null {
  const padding = g.kernel.map((k, i) => g.dilation[i]! * (k - 1) - g.padding[i]!);
  if (padding.some((p) => p < 0)) return null;
  if (g.imgSize.some((n, i) => n !== g.colSize[i]! + padding[i]! - g.padding[i]!)) return null;
  return { ...g, imgSize: g.colSize, colSize: g.imgSize, padding };
}

/** out = the weight [O, C, K] as [C, O, K] with each tap list reversed: the input gradient's kernel. */
export function flipTranspose(w: Float32Array, O: number, C: number, K: number, out: Float32Array): void {
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const src = (o * C + c) * K,
        dst = (c * O + o) * K + K - 1;
      for (let t = 0; t < K; t++) out[dst - t] = w[src + t]!;
    }
  }
}

/**
 * When the direct kernel runs instead of im2col + GEMM: one group, stride 1 everywhere, at least
 * 8 outputs per row (its tile is 8 positions wide) or exactly 4 (two rows per tile: the 4x4 maps
 * of a small CNN, in registers instead of a grouped GEMM), at least 4 output channels (4 tile rows;
 * `M`: the conv's outputs, or its inputs for the input gradient) and a weight of at most 1 MiB
 * (the kernel streams the whole packed weight once per 8 positions, so it must stay in L2).
 * Outside these bounds its tiles run partly empty or its weight leaves L2, and im2col + GEMM
 * wins (the measurements behind each bound: BENCHMARKS.md, engineering log, "Direct convolution").
 */
export const useDirect = (g: ConvGeometry, groups: number, M: number, weightFloats: number): boolean =>
  (directShape(g, groups) || (stride1(g, groups) && lastOutputs(g) === 4)) && M >= 4 && weightFloats * 4 <= DIRECT_MAX_WEIGHT_BYTES;
const DIRECT_MAX_WEIGHT_BYTES = 1 << 20;

/** One group, stride 1 and no negative padding: what every direct kernel needs. */
const stride1 = (g: ConvGeometry, groups: number): boolean =>
  groups === 1 && g.stride.every((s) => s === 1) && g.padding.every((p) => p >= 0);

/** Outputs per row (the last output dim). */
const lastOutputs = (g: ConvGeometry): number => g.colSize[g.colSize.length - 1]!;

/** Rows of at least one 8-wide tile (the weight gradient's rule; forward and dx also take rows of exactly 4, two per tile). */
const directShape = (g: ConvGeometry, groups: number): boolean => stride1(g, groups) && lastOutputs(g) >= 8;

/**
 * When the weight gradient takes the direct kernel (convDirectBackward): one group, stride 1, at
 * least 8 outputs (its tile is 8 outputs wide) and rows of 8+ positions (each row restarts four
 * input streams); on 4x4 outputs the half-empty tiles lose to the GEMM path (BENCHMARKS.md).
 */
export const useDirectWeight = (g: ConvGeometry, groups: number, O: number): boolean => directShape(g, groups) && O >= 8;

/**
 * When the weight gradient takes the direct kernel that reduces over all of a row's samples in
 * each tile (convDirectBackwardSamples): rows of exactly 4 outputs (the 4x4 maps of a small CNN,
 * where a per-sample tile reduces over only 16 positions and the GEMM path spends its time in
 * im2col, col2im and packing) and full 8-wide tiles of output channels.
 */
export const useDirectWeightSamples = (g: ConvGeometry, groups: number, O: number): boolean =>
  directSamples && stride1(g, groups) && lastOutputs(g) === 4 && O >= 8;

let directSamples = true;

/** Let rows of 4 take convDirectBackwardSamples (the default) or the GEMM path (tests and measurements); returns the previous setting. */
export function setDirectWeightSamples(on: boolean): boolean {
  const prev = directSamples;
  directSamples = on;
  return prev;
}

/**
 * Bytes of padded samples and packed dy^T one row of convDirectBackwardSamples may hold: every
 * tile streams them all, so they must stay in L2 (on 256 4x4 samples in one row, 1.1 MiB, the
 * kernel ran slower than the GEMM path it replaces). Rows longer than this are split, each
 * with its own weight-gradient partial.
 */
const SAMPLES_ROW_BYTES = 128 * 1024;

/** `rs` with every row cut into rows of at most `per` samples (more where that would pass MAX_ROWS). */
export function capRows(rs: [number, number][], per: number): [number, number][] {
  let G = Math.max(1, per);
  const count = (n: number) => rs.reduce((a, [n0, n1]) => a + Math.ceil((n1 - n0) / n), 0);
  while (count(G) > MAX_ROWS) G *= 2;
  return rs.flatMap(([n0, n1]) => splitRange(n1 - n0, Math.ceil((n1 - n0) / G), 1).map(([a, b]): [number, number] => [n0 + a, n0 + b]));
}

let fusedBackward = true;

/** Run a stride-1 conv's dx and dw in one dispatch (the default) or two (tests and measurements); returns the previous setting. */
export function setFusedBackward(on: boolean): boolean {
  const prev = fusedBackward;
  fusedBackward = on;
  return prev;
}

/** The sizes every conv kernel takes, by the kernels' parameter names. */
const kernelDims = (s: ReturnType<typeof convSizes>) => ({ C: s.C, P: s.P, O: s.O, K: s.K, L: s.L });

export function makeConv(rt: WasmRuntime, arena: Arena, pool: Threading) {
  const f32 = (...xs: TypedArray[]): boolean => xs.every((x) => x instanceof Float32Array);

  /** Whether this call's dispatches may wake a sleeping worker (set with its ranges). */
  let wake = true;

  /**
   * Sample ranges, ROWS_PER_THREAD per thread (one range when the work is too small to split);
   * sets whether the call is big enough to wake a sleeping worker (WAKE_FLOPS).
   */
  function ranges(batch: number, flops: number): [number, number][] {
    wake = flops >= WAKE_FLOPS;
    const { pool: p, threads } = pool();
    return p && threads > 1 && flops >= PARALLEL_FLOPS ? splitRange(batch, ROWS_PER_THREAD * threads, 1) : [[0, batch]];
  }

  /** Threads that may run `rows`: the caller plus the workers, at most one per row. */
  function threadsFor(rows: number): number {
    const { pool: p, threads } = pool();
    return Math.min(rows, p ? threads : 1);
  }

  /**
   * Each thread's buffers for a GEMM conv kernel, as threadLocal(0..2): columns for the longest
   * chunk, its GEMM scratch, the packed weight.
   */
  function gemmLocals(rows: number, colsFloats: number, packedFloats: number): number[][] {
    return Array.from({ length: threadsFor(rows) }, (_, t) => [
      arena.alloc(colsFloats * 4),
      arena.scratch(t),
      arena.alloc(packedFloats * 4),
    ]);
  }
  const [COLS, SCRATCH, PACKED, EXTRA] = [threadLocal(0), threadLocal(1), threadLocal(2), threadLocal(3)];

  /** The longest row's sample count. */
  const longestRow = (rs: [number, number][]): number => Math.max(...rs.map(([n0, n1]) => n1 - n0));

  /**
   * The sample-grouped kernels' common rows and each thread's buffers (columns, GEMM scratch,
   * packed weight, then `extraFloats`: the forward's product block or the backward's gathered dy).
   */
  function samplesSetup(
    g: ConvGeometry,
    s: ReturnType<typeof convSizes>,
    groups: number,
    G: number,
    rs: [number, number][],
    extraFloats: number,
  ) {
    const runs = sampleRuns(g, G, s.C * s.P);
    const packedW = rt.exports.convPackedWeightFloats(s.O, s.CKg, groups);
    const locals = gemmLocals(rs.length, s.C * s.K * G * s.L, packedW).map((ls) => [...ls, arena.alloc(extraFloats * 4)]);
    const common = {
      ...kernelDims(s),
      groups,
      G,
      runs: arena.copyIn(runs, true),
      nRuns: runs.length / 3 / G,
      cols: COLS,
      scratch: SCRATCH,
    };
    return { locals, common };
  }

  const dispatch = <K extends PoolKernel>(kernel: K, rows: KernelArgs<K>[], locals: number[][] = []): void =>
    runRows(rt, pool, kernel, rows, locals, wake);

  /**
   * Groups that each read one input channel and write fewer than 4 (depthwise, multiplier 1-3)
   * take the direct kernels: as a GEMM each group is a product of 1-3 rows, which the 4-row
   * micro-kernel runs mostly empty. With 4 or more outputs per input channel (a first conv on one
   * channel, 1 -> 16) the GEMM's tiles are full and it wins (BENCHMARKS.md, "Depthwise").
   */
  const depthwise = (s: { CKg: number; K: number; Og: number }): boolean => s.CKg === s.K && s.Og < 4;

  /** Copy the geometry's runs into the arena. */
  function runsIn(g: ConvGeometry): [number, number] {
    const runs = convRuns(g);
    return [arena.copyIn(runs, true), runs.length / 3];
  }

  /** Copy the geometry's chunked runs into the arena: [runs, chunks, chunk count, longest chunk]. */
  function chunksIn(g: ConvGeometry, rows: number, L: number): [number, number, number, number] {
    const { runs, chunks, longest } = chunkedRuns(g, chunkLength(rows, L));
    return [arena.copyIn(runs, true), arena.copyIn(chunks, true), chunks.length / 4, longest];
  }

  /**
   * out = conv(x) with the direct kernel: x (C channels) and the weight (M x C*K, row-major) at
   * px, pw in the arena; the weight is packed here once, each thread pads its samples into its
   * own buffer.
   */
  function direct(
    px: number,
    pw: number,
    pOut: number,
    g: ConvGeometry,
    C: number,
    M: number,
    pBias: number,
    rs: [number, number][],
  ): void {
    const t = directTables(g, C);
    const Kd = C * numelOf(g.kernel);
    const packed = arena.alloc(rt.exports.packedRowsFloats(M, Kd) * 4);
    rt.exports.packRowsFull(pw, M, Kd, packed);
    const [pPad, pOffs, pRows] = tablesIn(t);
    const P = numelOf(g.imgSize);
    const locals = Array.from({ length: threadsFor(rs.length) }, () => [arena.alloc((C * t.Pp + 8) * 4), arena.alloc(32 * 4)]);
    dispatch(
      "convDirect",
      rs.map(([n0, n1]) => ({
        x: px,
        n0,
        n1,
        C,
        P,
        Pp: t.Pp,
        padRuns: pPad,
        nPadRuns: t.padRuns.length / 3,
        xpad: threadLocal(0),
        packedA: packed,
        M,
        Kd,
        offs: pOffs,
        rowBase: pRows,
        rows: t.rowBase.length,
        W: t.W,
        out: pOut,
        bias: pBias,
        tmp: threadLocal(1),
      })),
      locals,
    );
  }

  /**
   * dw partials (one per row of samples) = dy @ unfold(pad(x))^T with the direct weight kernel;
   * with `input` also dx, in the same dispatch: gi is the input gradient's direct geometry
   * (inputGradGeometry) and pwt the weight flipped and transposed (flipTranspose).
   */
  function directWeight(
    px: number,
    pdy: number,
    pdw: number[],
    g: ConvGeometry,
    C: number,
    O: number,
    rs: [number, number][],
    input: { pdx: number; pwt: number; gi: ConvGeometry } | null,
    samples = false,
  ): void {
    const t = directTables(g, C);
    const K = numelOf(g.kernel),
      L = t.rowBase.length * t.W;
    const [pPad, pOffs, pRows] = tablesIn(t);
    const P = numelOf(g.imgSize);
    const ti = input ? directTables(input.gi, O) : null;
    // dx = 0: the kernel leaves the input gradient alone (its other dx fields are then unread)
    let dxArgs = { dx: 0, Pq: 0, dyPadRuns: 0, nDyPadRuns: 0, dypad: 0, packedWT: 0, offsT: 0, rowBaseT: 0, rowsT: 0, WT: 0 };
    if (input && ti) {
      const packed = arena.alloc(rt.exports.packedRowsFloats(C, O * K) * 4);
      rt.exports.packRowsFull(input.pwt, C, O * K, packed);
      const [qPad, qOffs, qRows] = tablesIn(ti);
      dxArgs = {
        dx: input.pdx,
        Pq: ti.Pp,
        dyPadRuns: qPad,
        nDyPadRuns: ti.padRuns.length / 3,
        dypad: threadLocal(3),
        packedWT: packed,
        offsT: qOffs,
        rowBaseT: qRows,
        rowsT: ti.rowBase.length,
        WT: ti.W,
      };
    }
    // the samples kernel pads and packs every sample of its row before the tiles
    const S = samples ? longestRow(rs) : 1;
    const locals = Array.from({ length: threadsFor(rs.length) }, () => [
      arena.alloc(S * (C * t.Pp + 8) * 4),
      arena.alloc(S * Math.ceil(O / 8) * 8 * L * 4),
      arena.alloc(32 * 4),
      ...(ti ? [arena.alloc((O * ti.Pp + 8) * 4)] : []),
    ]);
    dispatch(
      samples ? "convDirectBackwardSamples" : "convDirectBackward",
      rs.map(([n0, n1], i) => ({
        x: px,
        dy: pdy,
        n0,
        n1,
        C,
        P,
        Pp: t.Pp,
        padRuns: pPad,
        nPadRuns: t.padRuns.length / 3,
        xpad: threadLocal(0),
        dyT: threadLocal(1),
        O,
        Kd: C * K,
        offs: pOffs,
        rowBase: pRows,
        rows: t.rowBase.length,
        W: t.W,
        dw: pdw[i]!,
        tmp: threadLocal(2),
        ...dxArgs,
      })),
      locals,
    );
  }

  /** Samples a row of convDirectBackwardSamples holds within SAMPLES_ROW_BYTES. */
  function samplesPerRow(g: ConvGeometry, C: number, O: number): number {
    const t = directTables(g, C);
    const L = t.rowBase.length * t.W;
    return Math.floor(SAMPLES_ROW_BYTES / (4 * (C * t.Pp + 8 + Math.ceil(O / 8) * 8 * L)));
  }

  /** The direct kernel's tables, copied into the arena: [padRuns, offs, rowBase]. */
  const tablesIn = (t: DirectTables): [number, number, number] => [
    arena.copyIn(t.padRuns, true),
    arena.copyIn(t.offs, true),
    arena.copyIn(t.rowBase, true),
  ];

  function forward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    g: ConvGeometry,
    groups: number,
    outChannels: number,
  ): void {
    const s = convSizes(g, groups, outChannels),
      dims = kernelDims(s);
    const rs = ranges(g.batch, 2 * g.batch * s.O * s.CKg * s.L);
    arena.reset();
    const px = arena.input(x),
      pw = arena.input(w),
      pBias = bias ? arena.input(bias) : 0;
    const pOut = arena.output(out);
    if (depthwise(s)) {
      const [pRuns, nRuns] = runsIn(g);
      dispatch(
        "depthwiseForward",
        rs.map(([n0, n1]) => ({ x: px, w: pw, out: pOut, n0, n1, ...dims, runs: pRuns, nRuns, bias: pBias })),
      );
    } else if (useDirect(g, groups, s.O, w.length)) {
      direct(px, pw, pOut, g, s.C, s.O, pBias, rs);
    } else if (samplesPerProduct(s.C * s.K, s.L, longestRow(rs)) > 1) {
      const G = samplesPerProduct(s.C * s.K, s.L, longestRow(rs));
      const { locals, common } = samplesSetup(g, s, groups, G, rs, s.O * G * s.L);
      dispatch(
        "convForwardSamples",
        rs.map(([n0, n1]) => ({ x: px, w: pw, out: pOut, n0, n1, ...common, tmp: EXTRA, bias: pBias, packedW: PACKED })),
        locals,
      );
    } else {
      const packedW = rt.exports.convPackedWeightFloats(s.O, s.CKg, groups);
      const [pChunkRuns, pChunks, nChunks, longest] = chunksIn(g, s.C * s.K, s.L);
      const locals = gemmLocals(rs.length, s.C * s.K * longest, packedW);
      dispatch(
        "convForward",
        rs.map(([n0, n1]) => ({
          x: px,
          w: pw,
          out: pOut,
          n0,
          n1,
          ...dims,
          groups,
          runs: pChunkRuns,
          chunks: pChunks,
          nChunks,
          cols: COLS,
          scratch: SCRATCH,
          bias: pBias,
          packedW: PACKED,
        })),
        locals,
      );
    }
    arena.finish();
  }

  /**
   * dx and/or dw (either may be null), each on the direct kernels where they apply, else im2col
   * + GEMM; the weight gradient sums per-row partials in row order.
   */
  function backward(
    x: Float32Array | null,
    w: Float32Array | null,
    dy: Float32Array,
    dx: Float32Array | null,
    dw: Float32Array | null,
    g: ConvGeometry,
    groups: number,
    outChannels: number,
  ): void {
    const s = convSizes(g, groups, outChannels);
    const dwSamples =
      dw !== null && x !== null && !depthwise(s) && !useDirectWeight(g, groups, s.O) && useDirectWeightSamples(g, groups, s.O);
    const rows = ranges(g.batch, (dx && dw ? 4 : 2) * g.batch * s.O * s.CKg * s.L);
    const rs = dwSamples ? capRows(rows, samplesPerRow(g, s.C, s.O)) : rows;
    arena.reset();
    const px = x ? arena.input(x) : 0,
      pw = w ? arena.input(w) : 0,
      pdy = arena.input(dy);
    const pdx = dx ? arena.output(dx) : 0;
    // one block of per-row weight-gradient partials, summed in row order by sumPartials
    const partials = dw ? arena.alloc(rs.length * dw.length * 4) : 0;
    const pdw = rs.map((_, i) => (dw ? partials + i * dw.length * 4 : 0));
    if (depthwise(s)) {
      const [pRuns, nRuns] = runsIn(g);
      const dims = kernelDims(s);
      if (dx)
        dispatch(
          "depthwiseBackwardInput",
          rs.map(([n0, n1]) => ({ dy: pdy, w: pw, dx: pdx, n0, n1, ...dims, runs: pRuns, nRuns })),
        );
      if (dw)
        dispatch(
          "depthwiseBackwardWeight",
          rs.map(([n0, n1], i) => ({ x: px, dy: pdy, dw: pdw[i]!, n0, n1, ...dims, runs: pRuns, nRuns, accumulate: 0 })),
        );
    } else {
      // the input gradient as a direct conv of dy where it can be (stride 1): no columns, no col2im
      const dwDirect = dw !== null && x !== null && useDirectWeight(g, groups, s.O);
      // rows of 4 with dw on the GEMM path: the sample-grouped one-pass backward does both as fast
      const rows4 = lastOutputs(g) === 4 && dw !== null && !dwDirect && !dwSamples;
      const gi = dx && w && !rows4 && useDirect(g, groups, s.C, w.length) ? inputGradGeometry(g) : null;
      // with both direct, one dispatch computes both (convDirectBackward with dx)
      const pwt = gi ? arena.alloc(w!.length * 4) : 0;
      if (gi) flipTranspose(w!, s.O, s.C, s.K, arena.f32(pwt, w!.length));
      const fuse = gi !== null && (dwDirect || dwSamples) && fusedBackward;
      if (gi && !fuse) direct(pdy, pwt, pdx, gi, s.O, s.C, 0, rs);
      if (dwDirect || dwSamples) directWeight(px, pdy, pdw, g, s.C, s.O, rs, fuse ? { pdx, pwt, gi } : null, dwSamples);
      const wantDx = dx !== null && gi === null,
        wantDw = dw !== null && !dwDirect && !dwSamples;
      if (wantDx || wantDw) gemmBackward(px, pw, pdy, wantDx ? pdx : 0, wantDw ? pdw : null, g, s, groups, rs);
    }
    if (dw) rt.exports.sumPartials(partials, rs.length, dw.length, arena.output(dw));
    arena.finish();
  }

  /**
   * The im2col + GEMM backward kernels: dx at pdx (0: not wanted) and/or the per-row weight
   * gradient partials at pdw (null: not wanted); both in one pass over the samples when both.
   */
  function gemmBackward(
    px: number,
    pw: number,
    pdy: number,
    pdx: number,
    pdw: number[] | null,
    g: ConvGeometry,
    s: ReturnType<typeof convSizes>,
    groups: number,
    rs: [number, number][],
  ): void {
    const G = samplesPerProduct(s.C * s.K, s.L, longestRow(rs));
    if (G > 1) {
      const { locals, common } = samplesSetup(g, s, groups, G, rs, s.O * G * s.L);
      dispatch(
        "convBackwardSamples",
        rs.map(([n0, n1], i) => ({
          x: px,
          w: pw,
          dy: pdy,
          dx: pdx,
          dw: pdw ? pdw[i]! : 0,
          n0,
          n1,
          ...common,
          dyG: EXTRA,
          accumulate: 0,
          packedWT: PACKED,
        })),
        locals,
      );
      return;
    }
    const packedW = rt.exports.convPackedWeightFloats(s.O, s.CKg, groups);
    const [pChunkRuns, pChunks, nChunks, longest] = chunksIn(g, s.C * s.K, s.L);
    const locals = gemmLocals(rs.length, s.C * s.K * longest, packedW);
    // the input gradient packs W^T once per call into the thread's block; each row sums its own
    // weight-gradient partial (the same bits whichever thread runs it)
    const common = { ...kernelDims(s), groups, runs: pChunkRuns, chunks: pChunks, nChunks, cols: COLS, scratch: SCRATCH };
    if (pdx && pdw)
      dispatch(
        "convBackward",
        rs.map(([n0, n1], i) => ({ x: px, w: pw, dy: pdy, dx: pdx, dw: pdw[i]!, n0, n1, ...common, accumulate: 0, packedWT: PACKED })),
        locals,
      );
    else if (pdx)
      dispatch(
        "convBackwardInput",
        rs.map(([n0, n1]) => ({ dy: pdy, w: pw, img: pdx, n0, n1, ...common, packedWT: PACKED })),
        locals,
      );
    else
      dispatch(
        "convBackwardWeight",
        rs.map(([n0, n1], i) => ({ x: px, dy: pdy, dw: pdw![i]!, n0, n1, ...common, accumulate: 0 })),
        locals,
      );
  }

  return {
    convForward(
      x: TypedArray,
      w: TypedArray,
      bias: TypedArray | null,
      out: TypedArray,
      g: ConvGeometry,
      groups: number,
      outChannels: number,
    ): void {
      if (!f32(x, w, out) || (bias && !f32(bias))) return ref.convForward(x, w, bias, out, g, groups, outChannels);
      if (out.length === 0) return;
      forward(x as Float32Array, w as Float32Array, bias as Float32Array | null, out as Float32Array, g, groups, outChannels);
    },
    convBackward(
      x: TypedArray,
      w: TypedArray,
      dy: TypedArray,
      dx: TypedArray,
      dw: TypedArray,
      g: ConvGeometry,
      groups: number,
      outChannels: number,
    ): void {
      if (!f32(x, w, dy, dx, dw)) return ref.convBackward(x, w, dy, dx, dw, g, groups, outChannels);
      if (g.batch === 0) {
        dw.fill(0);
        return;
      }
      backward(x as Float32Array, w as Float32Array, dy as Float32Array, dx as Float32Array, dw as Float32Array, g, groups, outChannels);
    },
    convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(dy, w, img)) return ref.convBackwardInput(dy, w, img, g, groups, outChannels);
      if (img.length === 0) return;
      backward(null, w as Float32Array, dy as Float32Array, img as Float32Array, null, g, groups, outChannels);
    },
    convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void {
      if (!f32(x, dy, dw)) return ref.convBackwardWeight(x, dy, dw, g, groups, outChannels);
      if (g.batch === 0) {
        dw.fill(0);
        return;
      }
      backward(x as Float32Array, null, dy as Float32Array, null, dw as Float32Array, g, groups, outChannels);
    },
  };
}
