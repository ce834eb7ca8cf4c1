// Direct convolution for stride 1 (float32): no im2col. Each sample is copied once into a
// zero-padded buffer; then every output "row" (all output dims but the last) is computed in
// tiles of 4 output channels x 8 consecutive positions, with the reduction over (channel, tap)
// reading the padded input straight through a table of offsets: for stride 1, 8 consecutive
// outputs read 8 consecutive inputs, so each reduction step is two vector loads, four
// broadcast weights and eight multiply-adds, as in the GEMM micro-kernel. The columns are never
// written or packed (in the GEMM path those two passes cost ~25% of the forward time).
//
// The same kernel is a conv's input gradient: dy padded by dilation * (k - 1) - padding,
// against the weight transposed to [C, O * K] with its taps reversed (the JS side builds both).
// The weight gradient (convDirectBackward, with dx in the same pass when asked) turns the tile
// around: 4 (channel, tap) steps x 8 outputs, reducing over every output position, with the
// broadcasts read from the padded sample and dy^T packed once per sample. The JS side (../conv.ts) decides when these beat
// im2col + GEMM (useDirect, useDirectWeight: measured there).
import { madd, packB, storeTile, tileKernel } from "./gemm";

const MR = 4;
const NR = 8;

import { at } from "./address";

/** Pack a (m x k, row-major) into MR-row slivers over the whole k (no k blocks): sliver i / MR at dst + i * k floats, rows past m zero. */
export function packRowsFull(a: usize, m: i32, k: i32, dst: usize): void {
  for (let i = 0; i < m; i += MR) {
    const d0 = at(dst, i * k);
    for (let p = 0; p < k; p++) {
      for (let r = 0; r < MR; r++) store<f32>(at(d0, p * MR + r), i + r < m ? load<f32>(at(a, (i + r) * k + p)) : 0);
    }
  }
}

/** Floats packRowsFull writes. */
export function packedRowsFloats(m: i32, k: i32): i32 {
  return ((m + MR - 1) / MR) * MR * k;
}

/**
 * xpad = sample n of x [N, C, P] in its zero-padded planes of Pp floats (+ 8 floats of slack).
 * Each pad run (one image row) is copied for every channel in turn, so a row of exactly 4
 * floats (the 4x4 maps of a small CNN) is one vector load and store per channel instead of a
 * call and a run-table walk per channel.
 */
function padSample(x: usize, n: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize): void {
  memory.fill(xpad, 0, (<usize>C * Pp + NR) << 2);
  const xs = at(x, n * C * P);
  const planeBytes = <usize>P << 2, padBytes = <usize>Pp << 2;
  for (let r = 0; r < nPadRuns; r++) {
    const q = padRuns + <usize>r * 12;
    let d = at(xpad, load<i32>(q)), s = at(xs, load<i32>(q, 4));
    const len = load<i32>(q, 8);
    if (len == 4) {
      for (let c = 0; c < C; c++) {
        v128.store(d, v128.load(s));
        d += padBytes;
        s += planeBytes;
      }
      continue;
    }
    for (let c = 0; c < C; c++) {
      let j = 0;
      for (; j + 4 <= len; j += 4) v128.store(at(d, j), v128.load(at(s, j)));
      for (; j < len; j++) store<f32>(at(d, j), load<f32>(at(s, j)));
      d += padBytes;
      s += planeBytes;
    }
  }
}

/**
 * out[n] = A @ unfold(pad(x[n])) for samples [n0, n1), stride 1, without columns.
 *   x [N, C, P] images; pad: runs (dst in the padded plane, src in the image plane, len) that
 *   copy one image plane into a padded plane of Pp floats (the rest stays zero); xpad holds
 *   C * Pp + 8 floats (thread-local).
 *   A: M x Kd packed by packRowsFull; offs[p] (p < Kd): where reduction step p reads, relative
 *   to an output position's base (channel * Pp + taps' offsets).
 *   rowBase[q] (q < rows): an output row's base in the padded sample; each row has W outputs
 *   (the last output dim); out [N, M, rows * W]; bias (M floats) or 0; tmp 32 floats.
 *   Rows of W = 4 go two to a tile (8 consecutive outputs of out, each half reading its own
 *   row of the padded input), so the 4x4 maps of a small CNN fill the tile.
 */
export function convDirect(x: usize, n0: i32, n1: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize, packedA: usize, M: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, out: usize, bias: usize, tmp: usize): void {
  for (let n = n0; n < n1; n++) directSample(x, n, C, P, Pp, padRuns, nPadRuns, xpad, packedA, M, Kd, offs, rowBase, rows, W, out, bias, tmp);
}

/** out[n] = A @ unfold(pad(x[n])) for one sample n (convDirect's arguments). */
@inline function directSample(x: usize, n: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize, packedA: usize, M: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, out: usize, bias: usize, tmp: usize): void {
  const L = rows * W;
  padSample(x, n, C, P, Pp, padRuns, nPadRuns, xpad);
  const on = at(out, n * M * L);
  if (W == 4) {
    // rows of 4 outputs, two rows per tile: their 8 outputs are consecutive in out
    for (let q = 0; q < rows; q += 2) {
      const rb = load<i32>(at(rowBase, q)), pair = q + 1 < rows;
      // a lone last row reads the 4 floats after its own (padding or slack) and keeps 4 outputs
      const rowBytes = <usize>((pair ? load<i32>(at(rowBase, q + 1)) : rb + 4) - rb) << 2;
      const xb = at(xpad, rb), cols = pair ? NR : 4;
      for (let i = 0; i < M; i += MR) {
        tileKernel(Kd, at(packedA, i * Kd), xb, offs, true, true, rowBytes, at(on, i * L + q * 4), L, min(MR, M - i), cols, false, bias, i, tmp);
      }
    }
    return;
  }
  for (let q = 0; q < rows; q++) {
    const rb = load<i32>(at(rowBase, q));
    for (let j = 0; j < W; j += NR) {
      const xb = at(xpad, rb + j), cols = min(NR, W - j);
      for (let i = 0; i < M; i += MR) {
        tileKernel(Kd, at(packedA, i * Kd), xb, offs, true, false, 0, at(on, i * L + q * W + j), L, min(MR, M - i), cols, false, bias, i, tmp);
      }
    }
  }
}

/**
 * dw (+)= sum over samples [n0, n1) of dy[n] @ unfold(pad(x[n]))^T, stride 1, without columns:
 * tiles of 4 reduction steps p (rows of dw^T) x 8 outputs o, reducing over every output
 * position; the 4 broadcast operands come straight from the padded sample (offs[p] plus the
 * position), the 8-wide one from dy[n]^T packed once per sample into dyT (thread-local,
 * ceil(O / 8) * 8 * rows * W floats). dw [O, Kd] is this row's own partial: zeroed here first.
 * Same tables as convDirect; tmp 32 floats.
 *
 * With dx != 0 it also writes the input gradient of the same samples, in the same pass: dx[n] is
 * convDirect of dy[n] padded by dilation * (k - 1) - padding (dyPadRuns into planes of Pq floats
 * in dypad, thread-local, O * Pq + 8 floats) against packedWT (the weight as [C, O * K] with its
 * taps reversed, packed by packRowsFull), reading offsT per reduction step over rowsT rows of WT
 * inputs. Each sample's dy is then read while it is still in cache, and both gradients take one
 * dispatch (one wait for the slowest thread instead of two). Every element is the sum convDirect
 * or the dw-only pass computes, in the same order: the same bits.
 */
export function convDirectBackward(x: usize, dy: usize, n0: i32, n1: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize, dyT: usize, O: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, dw: usize, tmp: usize, dx: usize, Pq: i32, dyPadRuns: usize, nDyPadRuns: i32, dypad: usize, packedWT: usize, offsT: usize, rowBaseT: usize, rowsT: i32, WT: i32): void {
  memory.fill(dw, 0, <usize>O * Kd * 4);
  const L = rows * W, OK = O * (Kd / C);
  for (let n = n0; n < n1; n++) {
    weightSample(x, dy, n, C, P, Pp, padRuns, nPadRuns, xpad, dyT, O, Kd, offs, rowBase, rows, W, dw, tmp);
    if (dx) directSample(dy, n, O, L, Pq, dyPadRuns, nDyPadRuns, dypad, packedWT, C, OK, offsT, rowBaseT, rowsT, WT, dx, 0, tmp);
  }
}

/** dw += dy[n] @ unfold(pad(x[n]))^T for one sample n (convDirectBackward's arguments). */
@inline function weightSample(x: usize, dy: usize, n: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize, dyT: usize, O: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, dw: usize, tmp: usize): void {
  const L = rows * W;
  padSample(x, n, C, P, Pp, padRuns, nPadRuns, xpad);
  // dy[n]^T (L x O) in NR-wide panels of outputs, each L x 8
  packB(at(dy, n * O * L), 1, L, 0, 0, L, O, dyT);
  weightTiles(xpad, 0, dyT, 0, 1, O, Kd, offs, rowBase, rows, W, dw, tmp, true);
}

/**
 * The dw tiles over `count` samples already padded (xpad, one every xs floats) and packed (dyT,
 * one every ts floats): each 4 x 8 tile of dw^T reduces over every position of every sample, then
 * is added into dw [O, Kd] (accumulate) or stored there.
 */
@inline function weightTiles(xpad: usize, xs: i32, dyT: usize, ts: i32, count: i32, O: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, dw: usize, tmp: usize, accumulate: bool): void {
  const L = rows * W;
  for (let o = 0; o < O; o += NR) {
    const cols = min(NR, O - o);
    for (let p = 0; p < Kd; p += MR) {
      const rowsP = min(MR, Kd - p);
      // a partial tile (Kd % 4) repeats its last step's offset: those lanes are dropped
      const o0 = load<i32>(at(offs, p)), o1 = load<i32>(at(offs, p + min(1, rowsP - 1)));
      const o2 = load<i32>(at(offs, p + min(2, rowsP - 1))), o3 = load<i32>(at(offs, p + min(3, rowsP - 1)));
      let c0a = f32x4.splat(0), c0b = f32x4.splat(0), c1a = f32x4.splat(0), c1b = f32x4.splat(0);
      let c2a = f32x4.splat(0), c2b = f32x4.splat(0), c3a = f32x4.splat(0), c3b = f32x4.splat(0);
      for (let s = 0; s < count; s++) {
        const xb = at(xpad, s * xs);
        let pb = at(dyT, s * ts + o * L);
        for (let q = 0; q < rows; q++) {
          const rb = load<i32>(at(rowBase, q));
          let x0 = at(xb, rb + o0), x1 = at(xb, rb + o1), x2 = at(xb, rb + o2), x3 = at(xb, rb + o3);
          for (let j = 0; j < W; j++) {
            const b0 = v128.load(pb), b1 = v128.load(pb, 16);
            let a = v128.load32_splat(x0);
            c0a = madd(a, b0, c0a); c0b = madd(a, b1, c0b);
            a = v128.load32_splat(x1);
            c1a = madd(a, b0, c1a); c1b = madd(a, b1, c1b);
            a = v128.load32_splat(x2);
            c2a = madd(a, b0, c2a); c2b = madd(a, b1, c2b);
            a = v128.load32_splat(x3);
            c3a = madd(a, b0, c3a); c3b = madd(a, b1, c3b);
            x0 += 4; x1 += 4; x2 += 4; x3 += 4;
            pb += NR * 4;
          }
        }
      }
      // the tile is dw^T[p..p+3][o..o+7]: through tmp, its valid part into dw [O, Kd]
      storeTile(c0a, c0b, c1a, c1b, c2a, c2b, c3a, c3b, tmp, NR, MR, NR, false, tmp);
      for (let r = 0; r < rowsP; r++) {
        for (let c = 0; c < cols; c++) {
          const d = at(dw, (o + c) * Kd + p + r);
          store<f32>(d, accumulate ? load<f32>(d) + load<f32>(at(tmp, r * NR + c)) : load<f32>(at(tmp, r * NR + c)));
        }
      }
    }
  }
}

/**
 * dw = sum over samples [n0, n1) of dy[n] @ unfold(pad(x[n]))^T, stride 1, for small maps: the
 * same tiles as convDirectBackward, each reducing over every position of every sample of the
 * row before it is stored. Per sample the reduction is only rows * W long (16 on a 4x4 map), so
 * convDirectBackward's per-sample tiles are mostly set-up and stores; here every sample is
 * padded (xpad: (n1 - n0) * (C * Pp + 8) floats) and its dy^T packed (dyT: (n1 - n0) *
 * ceil(O / 8) * 8 * rows * W floats) first, both thread-local. dw [O, Kd] is this row's own
 * partial, written whole. With dx != 0 the input gradient of the same samples is written as in
 * convDirectBackward (same arguments, same bits).
 */
export function convDirectBackwardSamples(x: usize, dy: usize, n0: i32, n1: i32, C: i32, P: i32, Pp: i32, padRuns: usize, nPadRuns: i32, xpad: usize, dyT: usize, O: i32, Kd: i32, offs: usize, rowBase: usize, rows: i32, W: i32, dw: usize, tmp: usize, dx: usize, Pq: i32, dyPadRuns: usize, nDyPadRuns: i32, dypad: usize, packedWT: usize, offsT: usize, rowBaseT: usize, rowsT: i32, WT: i32): void {
  const L = rows * W, OK = O * (Kd / C);
  const xs = C * Pp + NR, ts = ((O + NR - 1) / NR) * NR * L;
  for (let n = n0; n < n1; n++) {
    padSample(x, n, C, P, Pp, padRuns, nPadRuns, at(xpad, (n - n0) * xs));
    // dy[n]^T (L x O) in NR-wide panels of outputs, each L x 8
    packB(at(dy, n * O * L), 1, L, 0, 0, L, O, at(dyT, (n - n0) * ts));
    if (dx) directSample(dy, n, O, L, Pq, dyPadRuns, nDyPadRuns, dypad, packedWT, C, OK, offsT, rowBaseT, rowsT, WT, dx, 0, tmp);
  }
  weightTiles(xpad, xs, dyT, ts, n1 - n0, O, Kd, offs, rowBase, rows, W, dw, tmp, false);
}
