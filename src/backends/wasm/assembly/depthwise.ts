// Direct kernels for convolutions whose groups each read one input channel (depthwise, C/groups
// = 1, any channel multiplier O/C). Through im2col + GEMM such a conv is a product with one row
// per group: the 4-row micro-kernel runs a quarter full and every column is packed for a single
// use. Here each output plane is a sum of K shifted, scaled copies of its input plane, walked
// along the same "runs" as im2col (see conv.ts): dst = kk*L + l (tap kk, output position l),
// src = the input position, len consecutive positions. With stride 1 a run is a whole output
// row, so each tap is one long vector multiply-add. Runs come sorted by dst, so the tap index
// advances as the walk goes (an integer division per run cost as much as the arithmetic).

import { madd } from "./gemm";

import { at } from "./address";

/** d[0..len) += w * s[0..len) */
@inline function axpy(d: usize, s: usize, w: f32, len: i32): void {
  const wv = f32x4.splat(w);
  let j = 0;
  for (; j + 4 <= len; j += 4) v128.store(at(d, j), madd(wv, v128.load(at(s, j)), v128.load(at(d, j))));
  for (; j < len; j++) store<f32>(at(d, j), load<f32>(at(d, j)) + w * load<f32>(at(s, j)));
}

/** sum of a[j] * b[j] over len, four lanes then across them */
@inline function dot(a: usize, b: usize, len: i32): f32 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= len; j += 4) acc = madd(v128.load(at(a, j)), v128.load(at(b, j)), acc);
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; j < len; j++) s += load<f32>(at(a, j)) * load<f32>(at(b, j));
  return s;
}

/** out[n][o] = bias[o] + sum over taps of w[o][kk] * x[n][o / (O/C)] along the runs, samples [n0, n1). */
export function depthwiseForward(x: usize, w: usize, out: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, runs: usize, nRuns: i32, bias: usize): void {
  const mult = O / C;
  for (let n = n0; n < n1; n++) {
    for (let o = 0; o < O; o++) {
      const src0 = at(x, (n * C + o / mult) * P), dst0 = at(out, (n * O + o) * L), w0 = at(w, o * K);
      const b = bias ? load<f32>(at(bias, o)) : <f32>0, bv = f32x4.splat(b);
      let l = 0;
      for (; l + 4 <= L; l += 4) v128.store(at(dst0, l), bv);
      for (; l < L; l++) store<f32>(at(dst0, l), b);
      let kk = 0, tapEnd = L;
      for (let r = 0; r < nRuns; r++) {
        const p = runs + <usize>r * 12, dst = load<i32>(p);
        while (dst >= tapEnd) { kk++; tapEnd += L; }
        axpy(at(dst0, dst - tapEnd + L), at(src0, load<i32>(p, 4)), load<f32>(at(w0, kk)), load<i32>(p, 8));
      }
    }
  }
}

/** dx[n][c] = sum over the channel's outputs o and taps of w[o][kk] * dy[n][o], scattered back along the runs (overwritten). */
export function depthwiseBackwardInput(dy: usize, w: usize, dx: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, runs: usize, nRuns: i32): void {
  const mult = O / C;
  memory.fill(at(dx, n0 * C * P), 0, <usize>(n1 - n0) * C * P * 4);
  for (let n = n0; n < n1; n++) {
    for (let o = 0; o < O; o++) {
      const img = at(dx, (n * C + o / mult) * P), g0 = at(dy, (n * O + o) * L), w0 = at(w, o * K);
      let kk = 0, tapEnd = L;
      for (let r = 0; r < nRuns; r++) {
        const p = runs + <usize>r * 12, dst = load<i32>(p);
        while (dst >= tapEnd) { kk++; tapEnd += L; }
        axpy(at(img, load<i32>(p, 4)), at(g0, dst - tapEnd + L), load<f32>(at(w0, kk)), load<i32>(p, 8));
      }
    }
  }
}

/** dw[o][kk] (+)= sum over samples [n0, n1) and runs of tap kk of dy[n][o] . x[n][o / (O/C)]. */
export function depthwiseBackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, runs: usize, nRuns: i32, accumulate: bool): void {
  const mult = O / C;
  if (!accumulate) memory.fill(dw, 0, <usize>O * K * 4);
  for (let n = n0; n < n1; n++) {
    for (let o = 0; o < O; o++) {
      const src0 = at(x, (n * C + o / mult) * P), g0 = at(dy, (n * O + o) * L), w0 = at(dw, o * K);
      let kk = 0, tapEnd = L;
      for (let r = 0; r < nRuns; r++) {
        const p = runs + <usize>r * 12, dst = load<i32>(p);
        while (dst >= tapEnd) { kk++; tapEnd += L; }
        const wp = at(w0, kk);
        store<f32>(wp, load<f32>(wp) + dot(at(g0, dst - tapEnd + L), at(src0, load<i32>(p, 4)), load<i32>(p, 8)));
      }
    }
  }
}
