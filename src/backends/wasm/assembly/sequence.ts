// Whole-layer LSTM / GRU over a sequence (float32): the per-step recurrent GEMM and the fused
// cell run back to back inside wasm memory, with no trip to JS between steps. Buffers are laid
// out as ops/recurrent.ts documents; steps run t = 0..T-1, or T-1..0 when `reverse`. The
// recurrent weight's gradient (one big GEMM over all steps) is left to the caller, which can
// split it across threads: the backward kernels leave its operands (gate gradients and the
// state each step started from, both in time order) in dxg / dhg and hPrev.
import { packBAll, packedBFloats, sgemmPackedB } from "./gemm";
import { gruCell, gruCellBackward, lstmCell, lstmCellBackward } from "./recurrent";

import { at } from "./address";

function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

@inline function timeOf(k: i32, T: i32, reverse: bool): i32 { return reverse ? T - 1 - k : k; }

// Every kernel runs the batch rows [b0, b0 + nb) of the [*, B, *] buffers: rows of a batch are
// independent through the whole recurrence, so threads split the batch once per sequence and
// never synchronise between steps. Work buffers (dh, dc, ...) and `packed` are per caller.

/** out [2, T, B, H] = h and c of every step (time order); gates [T, B, 4H] (step order) kept for the backward. */
export function lstmSequence(xg: usize, h0: usize, c0: usize, w: usize, out: usize, gates: usize, T: i32, B: i32, H: i32, reverse: bool, scratch: usize, packed: usize, b0: i32, nb: i32): void {
  const S = B * H, G = 4 * H, SG = B * G, rb = b0 * H, rg = b0 * G;
  packBAll(w, 1, H, H, G, packed); // W_hh^T, packed once for all steps
  let h = at(h0, rb), c = at(c0, rb);
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const gk = at(gates, k * SG + rg);
    sgemmPackedB(nb, G, H, h, H, 1, packed, gk, G, false, scratch); // h W_hh^T
    addInto(gk, at(xg, t * SG + rg), nb * G);
    const h1 = at(out, t * S + rb), c1 = at(out, (T + t) * S + rb);
    lstmCell(gk, c, c1, h1, nb, H);
    h = h1;
    c = c1;
  }
}

/**
 * From gOut [2, T, B, H]: dxg [T, B, 4H] (time order), dh0 and dc0 [B, H], and hPrev [T, B, H]
 * (the h each step started from, time order). dh, dc, dcPrev: [nb, H] work buffers.
 */
export function lstmSequenceBackward(w: usize, gates: usize, out: usize, h0: usize, c0: usize, gOut: usize, dxg: usize, dh0: usize, dc0: usize, hPrev: usize, dh: usize, dc: usize, dcPrev: usize, T: i32, B: i32, H: i32, reverse: bool, scratch: usize, packed: usize, b0: i32, nb: i32): void {
  const S = B * H, G = 4 * H, SG = B * G, rb = b0 * H, rg = b0 * G, n = nb * H, bytes = <usize>n << 2;
  packBAll(w, H, 1, G, H, packed); // W_hh, packed once for all steps
  memory.fill(dh, 0, bytes);
  memory.fill(dc, 0, bytes);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse);
    const tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const hp = tp < 0 ? at(h0, rb) : at(out, tp * S + rb), cp = tp < 0 ? at(c0, rb) : at(out, (T + tp) * S + rb);
    memory.copy(at(hPrev, t * S + rb), hp, bytes);
    addInto(dh, at(gOut, t * S + rb), n);
    addInto(dc, at(gOut, (T + t) * S + rb), n);
    const dg = at(dxg, t * SG + rg);
    lstmCellBackward(at(gates, k * SG + rg), cp, at(out, (T + t) * S + rb), dh, dc, dg, dcPrev, nb, H);
    sgemmPackedB(nb, H, G, dg, G, 1, packed, dh, H, false, scratch); // dh_prev = dG W_hh
    memory.copy(dc, dcPrev, bytes);
  }
  memory.copy(at(dh0, rb), dh, bytes);
  memory.copy(at(dc0, rb), dc, bytes);
}

/** out [T, B, H] = h of every step (time order); hg [T, B, 3H] (step order) = h W_hh^T + b_hh kept for the backward. */
export function gruSequence(xg: usize, h0: usize, w: usize, b: usize, hasBias: bool, out: usize, hg: usize, T: i32, B: i32, H: i32, reverse: bool, scratch: usize, packed: usize, b0: i32, nb: i32): void {
  const S = B * H, G = 3 * H, SG = B * G, rb = b0 * H, rg = b0 * G;
  packBAll(w, 1, H, H, G, packed);
  let h = at(h0, rb);
  for (let k = 0; k < T; k++) {
    const t = timeOf(k, T, reverse);
    const hk = at(hg, k * SG + rg);
    sgemmPackedB(nb, G, H, h, H, 1, packed, hk, G, false, scratch);
    if (hasBias) for (let r = 0; r < nb; r++) addInto(at(hk, r * G), b, G);
    const h1 = at(out, t * S + rb);
    gruCell(at(xg, t * SG + rg), hk, h, h1, nb, H);
    h = h1;
  }
}

/** From gOut [T, B, H]: dxg and dhg [T, B, 3H] (time order), dh0, and hPrev [T, B, H] (time order). dh, dhDirect: [nb, H] work. */
export function gruSequenceBackward(xg: usize, w: usize, hg: usize, out: usize, h0: usize, gOut: usize, dxg: usize, dhg: usize, dh0: usize, hPrev: usize, dh: usize, dhDirect: usize, T: i32, B: i32, H: i32, reverse: bool, scratch: usize, packed: usize, b0: i32, nb: i32): void {
  const S = B * H, G = 3 * H, SG = B * G, rb = b0 * H, rg = b0 * G, n = nb * H, bytes = <usize>n << 2;
  packBAll(w, H, 1, G, H, packed);
  memory.fill(dh, 0, bytes);
  for (let k = T - 1; k >= 0; k--) {
    const t = timeOf(k, T, reverse);
    const tp = k > 0 ? timeOf(k - 1, T, reverse) : -1;
    const hp = tp < 0 ? at(h0, rb) : at(out, tp * S + rb);
    memory.copy(at(hPrev, t * S + rb), hp, bytes);
    addInto(dh, at(gOut, t * S + rb), n);
    const dhgT = at(dhg, t * SG + rg);
    gruCellBackward(at(xg, t * SG + rg), at(hg, k * SG + rg), hp, dh, at(dxg, t * SG + rg), dhgT, dhDirect, nb, H);
    sgemmPackedB(nb, H, G, dhgT, G, 1, packed, dh, H, false, scratch);
    addInto(dh, dhDirect, n);
  }
  memory.copy(at(dh0, rb), dh, bytes);
}

/** Bytes the sequence kernels need at `packed` for a hidden size H and G gate blocks. */
export function sequencePackBytes(G: i32, H: i32): i32 {
  return max(packedBFloats(H, G), packedBFloats(G, H)) * 4;
}

/** dst[j] = sum over rows of src[r, j] (a bias gradient). */
export function sumRows(src: usize, rows: i32, cols: i32, dst: usize): void {
  memory.fill(dst, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) addInto(dst, at(src, r * cols), cols);
}
