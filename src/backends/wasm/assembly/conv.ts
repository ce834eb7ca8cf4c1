// Convolution kernels (float32): per sample and per chunk of output positions, unfold the image
// into columns (im2col) in a scratch block that stays in L2, then one GEMM per group; the two
// backward kernels are the same lowering read the other way (GEMM then col2im for the input,
// im2col then GEMM for the weight).
//
// The geometry arrives as "runs" built on the JS side: each run copies `len` consecutive image
// elements (at plane offset src) to consecutive column entries (at dst within one channel's
// K*L block). Any 1/2/3-d geometry, stride, dilation and padding reduces to runs; entries no run
// covers are padding (zero in im2col, dropped in col2im). With stride 1 a run is a whole
// output row, so the copies are long and vectorise.
import { packAAll, packedAFloats, sgemm, sgemmPackedA } from "./gemm";

import { at } from "./address";

/** Copy along the runs (triples dst, src, len at `runs`): len floats from src0 + src to dst0 + dst each. */
export function copyRuns(dst0: usize, src0: usize, runs: usize, nRuns: i32): void {
  for (let r = 0; r < nRuns; r++) {
    const p = runs + <usize>r * 12;
    const d = at(dst0, load<i32>(p)), s = at(src0, load<i32>(p, 4)), len = load<i32>(p, 8);
    let j = 0;
    for (; j + 4 <= len; j += 4) v128.store(at(d, j), v128.load(at(s, j)));
    for (; j < len; j++) store<f32>(at(d, j), load<f32>(at(s, j)));
  }
}

/** cols [C, KL] = unfold(img [C, P]) along the runs. */
function im2col(img: usize, C: i32, P: i32, cols: usize, KL: i32, runs: usize, nRuns: i32): void {
  memory.fill(cols, 0, <usize>C * KL * 4);
  for (let c = 0; c < C; c++) copyRuns(at(cols, c * KL), at(img, c * P), runs, nRuns);
}

/** img [C, P] += fold(cols [C, KL]) along the runs: the adjoint of im2col. */
function col2im(cols: usize, C: i32, P: i32, img: usize, KL: i32, runs: usize, nRuns: i32): void {
  for (let c = 0; c < C; c++) {
    const dst0 = at(img, c * P), src0 = at(cols, c * KL);
    for (let r = 0; r < nRuns; r++) {
      const p = runs + <usize>r * 12;
      const s = at(src0, load<i32>(p)), d = at(dst0, load<i32>(p, 4)), len = load<i32>(p, 8);
      let j = 0;
      for (; j + 4 <= len; j += 4) v128.store(at(d, j), f32x4.add(v128.load(at(d, j)), v128.load(at(s, j))));
      for (; j < len; j++) store<f32>(at(d, j), load<f32>(at(d, j)) + load<f32>(at(s, j)));
    }
  }
}

/** The chunk quads at `chunks`: (first output position l0, length, first run, run count). */
@inline function chunkAt(chunks: usize, i: i32, field: i32): i32 { return load<i32>(chunks + (<usize>(i * 4 + field) << 2)); }
/** The first run triple of chunk i. */
@inline function chunkRuns(runs: usize, chunks: usize, i: i32): usize { return runs + <usize>chunkAt(chunks, i, 2) * 12; }

/**
 * out[n] = W @ im2col(x[n]) per group, for samples [n0, n1). x [N, C, P], w [O, C/groups * K],
 * out [N, O, L], plus bias[o] when bias != 0. The output positions are lowered a chunk at a time
 * (chunks: quads, see chunkAt) so the columns, their packed panels and the output block stay in
 * L2; cols holds C*K*(longest chunk) floats, scratch gemmScratchBytes(), packedW groups *
 * packedAFloats(O / groups, C / groups * K) floats.
 */
export function convForward(x: usize, w: usize, out: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, nChunks: i32, cols: usize, scratch: usize, bias: usize, packedW: usize): void {
  const Cg = C / groups, Og = O / groups, CKg = Cg * K, wg = packedAFloats(Og, CKg);
  // the weight is the same for every sample: pack it once per call, not once per sample
  for (let g = 0; g < groups; g++) packAAll(at(w, g * Og * CKg), CKg, 1, Og, CKg, at(packedW, g * wg));
  for (let n = n0; n < n1; n++) {
    for (let ch = 0; ch < nChunks; ch++) {
      const l0 = chunkAt(chunks, ch, 0), lc = chunkAt(chunks, ch, 1);
      im2col(at(x, n * C * P), C, P, cols, K * lc, chunkRuns(runs, chunks, ch), chunkAt(chunks, ch, 3));
      for (let g = 0; g < groups; g++) {
        sgemmPackedA(Og, lc, CKg, at(packedW, g * wg), at(cols, g * CKg * lc), lc, 1, at(out, (n * O + g * Og) * L + l0), L, false, scratch);
      }
    }
    if (bias) {
      for (let o = 0; o < O; o++) {
        const row = at(out, (n * O + o) * L), b = load<f32>(at(bias, o)), bv = f32x4.splat(b);
        let l = 0;
        for (; l + 4 <= L; l += 4) v128.store(at(row, l), f32x4.add(v128.load(at(row, l)), bv));
        for (; l < L; l++) store<f32>(at(row, l), load<f32>(at(row, l)) + b);
      }
    }
  }
}

/** Pack W^T of every group once per call (packedAFloats(CKg, Og) floats per group): every sample reuses it. */
function packWeightT(w: usize, Og: i32, CKg: i32, groups: i32, packedWT: usize): void {
  const wg = packedAFloats(CKg, Og);
  for (let g = 0; g < groups; g++) packAAll(at(w, g * Og * CKg), 1, CKg, CKg, Og, at(packedWT, g * wg));
}

/** cols = W^T @ dy[n][:, chunk ch] per group, then img[n] += col2im(cols) over that chunk. */
@inline function inputGradChunk(dy: usize, img: usize, n: i32, C: i32, P: i32, O: i32, Og: i32, CKg: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, ch: i32, cols: usize, scratch: usize, packedWT: usize): void {
  const wg = packedAFloats(CKg, Og), l0 = chunkAt(chunks, ch, 0), lc = chunkAt(chunks, ch, 1);
  for (let g = 0; g < groups; g++) {
    sgemmPackedA(CKg, lc, Og, at(packedWT, g * wg), at(dy, (n * O + g * Og) * L + l0), L, 1, at(cols, g * CKg * lc), lc, false, scratch);
  }
  col2im(cols, C, P, at(img, n * C * P), K * lc, chunkRuns(runs, chunks, ch), chunkAt(chunks, ch, 3));
}

/**
 * img[n] = col2im(W^T @ dy[n]) per group (the input gradient; a transposed conv's forward). img
 * is overwritten; packedWT holds convPackedWeightFloats floats.
 */
export function convBackwardInput(dy: usize, w: usize, img: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, nChunks: i32, cols: usize, scratch: usize, packedWT: usize): void {
  const Og = O / groups, CKg = C / groups * K;
  packWeightT(w, Og, CKg, groups, packedWT);
  for (let n = n0; n < n1; n++) {
    memory.fill(at(img, n * C * P), 0, <usize>C * P * 4);
    for (let ch = 0; ch < nChunks; ch++) inputGradChunk(dy, img, n, C, P, O, Og, CKg, K, L, groups, runs, chunks, ch, cols, scratch, packedWT);
  }
}

/** dw (+)= dy[n][:, chunk ch] @ im2col(x[n])[:, chunk ch]^T per group; leaves the chunk's columns in cols. */
@inline function weightGradChunk(x: usize, dy: usize, dw: usize, n: i32, C: i32, P: i32, O: i32, Og: i32, CKg: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, ch: i32, cols: usize, scratch: usize, accumulate: bool): void {
  const l0 = chunkAt(chunks, ch, 0), lc = chunkAt(chunks, ch, 1);
  im2col(at(x, n * C * P), C, P, cols, K * lc, chunkRuns(runs, chunks, ch), chunkAt(chunks, ch, 3));
  for (let g = 0; g < groups; g++) {
    sgemm(Og, CKg, lc, at(dy, (n * O + g * Og) * L + l0), L, 1, at(cols, g * CKg * lc), 1, lc, at(dw, g * Og * CKg), CKg, accumulate, scratch);
  }
}

/** dw (+)= sum over samples [n0, n1) of dy[n] @ im2col(x[n])^T per group; dw [O, C/groups * K]. */
export function convBackwardWeight(x: usize, dy: usize, dw: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, nChunks: i32, cols: usize, scratch: usize, accumulate: bool): void {
  const Og = O / groups, CKg = C / groups * K;
  for (let n = n0; n < n1; n++) {
    for (let ch = 0; ch < nChunks; ch++) weightGradChunk(x, dy, dw, n, C, P, O, Og, CKg, K, L, groups, runs, chunks, ch, cols, scratch, accumulate || n > n0 || ch > 0);
  }
}

/**
 * Both gradients in one pass over the samples [n0, n1) and their chunks: dw (+)= dy[n] @
 * im2col(x[n])^T and dx[n] = col2im(W^T @ dy[n]), sharing each chunk of dy[n] while it is in
 * cache. dx is overwritten.
 */
export function convBackward(x: usize, w: usize, dy: usize, dx: usize, dw: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, runs: usize, chunks: usize, nChunks: i32, cols: usize, scratch: usize, accumulate: bool, packedWT: usize): void {
  const Og = O / groups, CKg = C / groups * K;
  packWeightT(w, Og, CKg, groups, packedWT);
  for (let n = n0; n < n1; n++) {
    memory.fill(at(dx, n * C * P), 0, <usize>C * P * 4);
    for (let ch = 0; ch < nChunks; ch++) {
      weightGradChunk(x, dy, dw, n, C, P, O, Og, CKg, K, L, groups, runs, chunks, ch, cols, scratch, accumulate || n > n0 || ch > 0);
      inputGradChunk(dy, dx, n, C, P, O, Og, CKg, K, L, groups, runs, chunks, ch, cols, scratch, packedWT);
    }
  }
}

/** Floats the packed weight (W for convForward, W^T for the input gradients) needs: enough for either. */
export function convPackedWeightFloats(O: i32, CKg: i32, groups: i32): i32 {
  const Og = O / groups;
  return groups * max(packedAFloats(Og, CKg), packedAFloats(CKg, Og));
}

// Samples lowered together. Where a sample has few output positions (the 4x4 maps of a small
// CNN), a per-sample GEMM is a few 8-wide tiles deep and the weight gradient's reduction only L
// long, so each product is mostly packing and loop overhead. These kernels unfold G samples into
// one column block [C*K, G*L] (column s*L + l is sample s's position l; `runs` are the per-sample
// runs rebased to that layout, sample after sample, nRuns per sample), so each product is G times
// wider (forward, input gradient) or G times deeper (weight gradient). The forward and input
// gradient give the per-sample kernels' bits (every element is the same sum in the same order);
// the weight gradient sums each group's positions inside one product.

/** cols [C, K*G*L] = the columns of samples [n, n + g) of x [N, C, P], along the rebased runs. */
function im2colSamples(x: usize, n: i32, g: i32, C: i32, P: i32, cols: usize, KGL: i32, runs: usize, nRuns: i32): void {
  im2col(at(x, n * C * P), C, P, cols, KGL, runs, g * nRuns);
}

/**
 * out[n] = W @ im2col(x[n]) (+ bias) for samples [n0, n1), G samples per product. tmp holds O *
 * G * L floats, cols C * K * G * L, packedW as convForward's.
 */
export function convForwardSamples(x: usize, w: usize, out: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, G: i32, runs: usize, nRuns: i32, cols: usize, tmp: usize, scratch: usize, bias: usize, packedW: usize): void {
  const Cg = C / groups, Og = O / groups, CKg = Cg * K, wg = packedAFloats(Og, CKg), GL = G * L;
  for (let g = 0; g < groups; g++) packAAll(at(w, g * Og * CKg), CKg, 1, Og, CKg, at(packedW, g * wg));
  for (let n = n0; n < n1; n += G) {
    const s1 = min(G, n1 - n);
    im2colSamples(x, n, s1, C, P, cols, K * GL, runs, nRuns);
    for (let g = 0; g < groups; g++) {
      sgemmPackedA(Og, s1 * L, CKg, at(packedW, g * wg), at(cols, g * CKg * GL), GL, 1, at(tmp, g * Og * GL), GL, false, scratch);
    }
    // tmp [O, G*L] -> out[n + s] [O, L], adding the bias after the sum (as convForward)
    for (let s = 0; s < s1; s++) {
      for (let o = 0; o < O; o++) {
        const src = at(tmp, o * GL + s * L), dst = at(out, ((n + s) * O + o) * L);
        const b = bias ? load<f32>(at(bias, o)) : <f32>0, bv = f32x4.splat(b);
        let l = 0;
        if (bias) {
          for (; l + 4 <= L; l += 4) v128.store(at(dst, l), f32x4.add(v128.load(at(src, l)), bv));
          for (; l < L; l++) store<f32>(at(dst, l), load<f32>(at(src, l)) + b);
        } else {
          for (; l + 4 <= L; l += 4) v128.store(at(dst, l), v128.load(at(src, l)));
          for (; l < L; l++) store<f32>(at(dst, l), load<f32>(at(src, l)));
        }
      }
    }
  }
}

/**
 * dx and/or dw (either address 0: not wanted) for samples [n0, n1), G samples per product: dyG
 * [O, G*L] gathers the group's dy, then dw (+)= dyG @ cols^T and cols = W^T @ dyG, folded into
 * dx (overwritten). cols holds C * K * G * L floats, dyG O * G * L, packedWT as convBackward's.
 */
export function convBackwardSamples(x: usize, w: usize, dy: usize, dx: usize, dw: usize, n0: i32, n1: i32, C: i32, P: i32, O: i32, K: i32, L: i32, groups: i32, G: i32, runs: usize, nRuns: i32, cols: usize, dyG: usize, scratch: usize, accumulate: bool, packedWT: usize): void {
  const Og = O / groups, CKg = C / groups * K, GL = G * L, wg = packedAFloats(CKg, Og);
  if (dx) packWeightT(w, Og, CKg, groups, packedWT);
  for (let n = n0; n < n1; n += G) {
    const s1 = min(G, n1 - n);
    for (let s = 0; s < s1; s++) {
      for (let o = 0; o < O; o++) memory.copy(at(dyG, o * GL + s * L), at(dy, ((n + s) * O + o) * L), <usize>L << 2);
    }
    if (dw) {
      im2colSamples(x, n, s1, C, P, cols, K * GL, runs, nRuns);
      for (let g = 0; g < groups; g++) {
        sgemm(Og, CKg, s1 * L, at(dyG, g * Og * GL), GL, 1, at(cols, g * CKg * GL), 1, GL, at(dw, g * Og * CKg), CKg, accumulate || n > n0, scratch);
      }
    }
    if (dx) {
      for (let g = 0; g < groups; g++) {
        sgemmPackedA(CKg, s1 * L, Og, at(packedWT, g * wg), at(dyG, g * Og * GL), GL, 1, at(cols, g * CKg * GL), GL, false, scratch);
      }
      memory.fill(at(dx, n * C * P), 0, <usize>s1 * C * P * 4);
      col2im(cols, C, P, at(dx, n * C * P), K * GL, runs, s1 * nRuns);
    }
  }
}
