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
