// Pooling kernels (float32). Windows arrive from the JS side in compressed-row form: output
// position o reads the plane offsets offs[start[o] .. start[o + 1]) (padding already dropped), so
// one kernel serves every 1/2/3-d geometry, stride, dilation, padding and ceil mode.

@inline function f(base: usize, i: i32): usize { return base + (<usize>i << 2); }

/** Lanes l = 0..3 from ptr + l * stride bytes. */
@inline function gather4(ptr: usize, stride: usize): v128 {
  let v = v128.load32_zero(ptr);
  v = v128.load32_lane(ptr + stride, v, 1);
  v = v128.load32_lane(ptr + 2 * stride, v, 2);
  return v128.load32_lane(ptr + 3 * stride, v, 3);
}

/**
 * Max over each window; indices get the flat plane offset of the first maximum, or of the last
 * NaN when the window holds one (PyTorch's CPU rule: "v > best || isnan(v)"). No data-dependent
 * branch (a "v > best" branch mispredicts on real activations, 7x slower): the max comes from
 * f32.max, which propagates NaN, then a backward scan keeps the first position holding it (the
 * first NaN it meets) with an integer select; the value stored is the one at that position (so
 * of -0 and +0 the first wins, as in the reference).
 */
export function maxPool(x: usize, out: usize, indices: usize, planes: i32, P: i32, O: i32, start: usize, offs: usize): void {
  let p = 0;
  // four planes at a time, one per lane: the same window offset of each plane gathered into a
  // vector, so the max and first-position chains are shared by four outputs
  const stride = <usize>P << 2;
  for (; p + 4 <= planes; p += 4) {
    const xp = f(x, p * P);
    for (let o = 0; o < O; o++) {
      const s = load<i32>(f(start, o)), e = load<i32>(f(start, o + 1));
      let bv = f32x4.splat(-Infinity);
      for (let j = s; j < e; j++) bv = f32x4.max(bv, gather4(f(xp, load<i32>(f(offs, j))), stride));
      const nan = f32x4.ne(bv, bv);
      let atv = i32x4.splat(-1), valv = bv;
      for (let j = e - 1; j >= s; j--) {
        const off = load<i32>(f(offs, j));
        const v = gather4(f(xp, off), stride);
        // a NaN lane takes the first NaN this backward scan meets (the window's last), once
        const hit = v128.or(f32x4.eq(v, bv), v128.and(v128.and(nan, f32x4.ne(v, v)), i32x4.eq(atv, i32x4.splat(-1))));
        atv = v128.bitselect(i32x4.splat(off), atv, hit);
        valv = v128.bitselect(v, valv, hit);
      }
      store<f32>(f(out, p * O + o), f32x4.extract_lane(valv, 0));
      store<f32>(f(out, (p + 1) * O + o), f32x4.extract_lane(valv, 1));
      store<f32>(f(out, (p + 2) * O + o), f32x4.extract_lane(valv, 2));
      store<f32>(f(out, (p + 3) * O + o), f32x4.extract_lane(valv, 3));
      store<i32>(f(indices, p * O + o), i32x4.extract_lane(atv, 0));
      store<i32>(f(indices, (p + 1) * O + o), i32x4.extract_lane(atv, 1));
      store<i32>(f(indices, (p + 2) * O + o), i32x4.extract_lane(atv, 2));
      store<i32>(f(indices, (p + 3) * O + o), i32x4.extract_lane(atv, 3));
    }
  }
  for (; p < planes; p++) {
    const xp = f(x, p * P);
    for (let o = 0; o < O; o++) {
      const s = load<i32>(f(start, o)), e = load<i32>(f(start, o + 1));
      // f32x4.max (lane 0) rather than f32.max: V8 compiles the scalar one with branches
      let bv = f32x4.splat(-Infinity), at = -1;
      for (let j = s; j < e; j++) bv = f32x4.max(bv, v128.load32_zero(f(xp, load<i32>(f(offs, j)))));
      const best = f32x4.extract_lane(bv, 0);
      const nan = <i32>(best != best);
      for (let j = e - 1; j >= s; j--) {
        const off = load<i32>(f(offs, j));
        const v = load<f32>(f(xp, off));
        const hit = <i32>(v == best) | (nan & <i32>(v != v) & <i32>(at == -1));
        at = select<i32>(off, at, hit != 0);
      }
      store<f32>(f(out, p * O + o), at < 0 ? best : load<f32>(f(xp, at)));
      store<i32>(f(indices, p * O + o), at);
    }
  }
}

/**
 * maxPool for 2-d windows of 2 x 2 at stride 2 with no padding or dilation, OW even (the pooling
 * of most CNNs): output (oh, ow) reads rows 2oh, 2oh + 1 and columns 2ow, 2ow + 1 of its plane
 * (H x W, H >= 2 OH, W >= 2 OW). Same values and indices as maxPool: the reference's forward
 * rule "first window element, then v > best || isnan(v)" over the window in row-major order,
 * four outputs per vector. Four outputs of a row come from two 4-float loads of each of their
 * two input rows (even lanes: the windows' left column, odd lanes: the right); where OW % 4 is 2
 * the last two outputs of two consecutive output rows share a vector, so the 2 x 2 maps of a
 * 4 x 4 input fill it as well as long rows do.
 */
export function maxPool2x2(x: usize, out: usize, indices: usize, planes: i32, H: i32, W: i32, OH: i32, OW: i32): void {
  const R = planes * OH;
  const rowBytes = <usize>W << 2, full = OW & ~3;
  // output row r: its plane's first input element (pb) and its row in the plane (oh)
  let pb = 0, oh = 0;
  for (let r = 0; r < R; r += 2) {
    const two = r + 1 < R;
    const ob = f(out, r * OW), ib = f(indices, r * OW);
    const offA = 2 * oh * W;
    const topA = f(x, pb + offA);
    for (let ow = 0; ow < full; ow += 4) {
      const t = topA + (<usize>ow << 3);
      pool4(v128.load(t), v128.load(t, 16), v128.load(t + rowBytes), v128.load(t + rowBytes, 16), i32x4.add(i32x4.splat(offA + 2 * ow), i32x4(0, 2, 4, 6)), W, ob + (<usize>ow << 2), ib + (<usize>ow << 2), false, 0, 0);
    }
    oh++;
    if (oh == OH) { oh = 0; pb += H * W; }
    if (!two) {
      if (full < OW) lonePair(f(x, pb - (oh == 0 ? H * W : 0)), offA + 2 * full, W, ob + (<usize>full << 2), ib + (<usize>full << 2));
      break;
    }
    const offB = 2 * oh * W;
    const topB = f(x, pb + offB);
    const ob2 = ob + (<usize>OW << 2), ib2 = ib + (<usize>OW << 2);
    for (let ow = 0; ow < full; ow += 4) {
      const t = topB + (<usize>ow << 3);
      pool4(v128.load(t), v128.load(t, 16), v128.load(t + rowBytes), v128.load(t + rowBytes, 16), i32x4.add(i32x4.splat(offB + 2 * ow), i32x4(0, 2, 4, 6)), W, ob2 + (<usize>ow << 2), ib2 + (<usize>ow << 2), false, 0, 0);
    }
    if (full < OW) {
      // the last pair of each of the two rows, in one vector (one store where OW is 2: the rows' outputs are adjacent)
      const ta = topA + (<usize>full << 3), tb = topB + (<usize>full << 3);
      const i00 = i32x4.add(i32x4.shuffle(i32x4.splat(offA + 2 * full), i32x4.splat(offB + 2 * full), 0, 0, 4, 4), i32x4(0, 2, 0, 2));
      pool4(v128.load(ta), v128.load(tb), v128.load(ta + rowBytes), v128.load(tb + rowBytes), i00, W, ob + (<usize>full << 2), ib + (<usize>full << 2), OW != 2, ob2 + (<usize>full << 2), ib2 + (<usize>full << 2));
    }
    oh++;
    if (oh == OH) { oh = 0; pb += H * W; }
  }
}

/**
 * Four 2 x 2 windows whose top rows are the 8 floats (a0, a1) and bottom rows (b0, b1), each
 * window two consecutive floats; i00: the planes offsets of their top-left elements. Stores the
 * 4 results at out and idx, or (split) the first two there and the last two at out2 and idx2.
 */
@inline function pool4(a0: v128, a1: v128, b0: v128, b1: v128, i00: v128, W: i32, out: usize, idx: usize, split: bool, out2: usize, idx2: usize): void {
  const v00 = i32x4.shuffle(a0, a1, 0, 2, 4, 6), v01 = i32x4.shuffle(a0, a1, 1, 3, 5, 7);
  const v10 = i32x4.shuffle(b0, b1, 0, 2, 4, 6), v11 = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
  let best = v00, at = i00;
  let take = v128.or(f32x4.gt(v01, best), f32x4.ne(v01, v01));
  best = v128.bitselect(v01, best, take);
  at = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), at, take);
  take = v128.or(f32x4.gt(v10, best), f32x4.ne(v10, v10));
  best = v128.bitselect(v10, best, take);
  at = v128.bitselect(i32x4.add(i00, i32x4.splat(W)), at, take);
  take = v128.or(f32x4.gt(v11, best), f32x4.ne(v11, v11));
  best = v128.bitselect(v11, best, take);
  at = v128.bitselect(i32x4.add(i00, i32x4.splat(W + 1)), at, take);
  if (split) {
    store<i64>(out, i64x2.extract_lane(best, 0));
    store<i64>(idx, i64x2.extract_lane(at, 0));
    store<i64>(out2, i64x2.extract_lane(best, 1));
    store<i64>(idx2, i64x2.extract_lane(at, 1));
  } else {
    v128.store(out, best);
    v128.store(idx, at);
  }
}

/** The two windows at plane offset off and off + 2 of the plane at xp (a last output row's last pair), one at a time. */
function lonePair(xp: usize, off: i32, W: i32, out: usize, idx: usize): void {
  for (let c = 0; c < 2; c++) {
    const o0 = off + 2 * c;
    let best = load<f32>(f(xp, o0)), at = o0;
    for (let j = 1; j < 4; j++) {
      const o = o0 + (j >> 1) * W + (j & 1);
      const v = load<f32>(f(xp, o));
      if (v > best || v != v) { best = v; at = o; }
    }
    store<f32>(out + (<usize>c << 2), best);
    store<i32>(idx + (<usize>c << 2), at);
  }
}

/** Window sums divided by div[o] (f32 per output position). */
export function avgPool(x: usize, out: usize, div: usize, planes: i32, P: i32, O: i32, start: usize, offs: usize): void {
  for (let p = 0; p < planes; p++) {
    const xp = f(x, p * P);
    for (let o = 0; o < O; o++) {
      const s = load<i32>(f(start, o)), e = load<i32>(f(start, o + 1));
      let sum: f32 = 0;
      for (let j = s; j < e; j++) sum += load<f32>(f(xp, load<i32>(f(offs, j))));
      store<f32>(f(out, p * O + o), sum / load<f32>(f(div, o)));
    }
  }
}

/** dx (zeroed here) gets dy[o] / div[o] at every position of window o. */
export function avgPoolBackward(dy: usize, dx: usize, div: usize, planes: i32, P: i32, O: i32, start: usize, offs: usize): void {
  memory.fill(dx, 0, <usize>planes * P * 4);
  for (let p = 0; p < planes; p++) {
    const dxp = f(dx, p * P);
    for (let o = 0; o < O; o++) {
      const s = load<i32>(f(start, o)), e = load<i32>(f(start, o + 1));
      const v = load<f32>(f(dy, p * O + o)) / load<f32>(f(div, o));
      for (let j = s; j < e; j++) {
        const a = f(dxp, load<i32>(f(offs, j)));
        store<f32>(a, load<f32>(a) + v);
      }
    }
  }
}
