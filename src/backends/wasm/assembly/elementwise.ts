// Branch-free float32 maps where JS's version mispredicts on random signs.

import { at } from "./address";

/** out = max(x, 0) (NaN kept, -0 and -inf become +0), the relu. */
export function relu(x: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.max(v128.load(at(x, i)), z));
  for (; i < n; i++) store<f32>(at(out, i), max<f32>(load<f32>(at(x, i)), 0));
}

/** out = y <= 0 ? 0 : g (relu's backward from its output y, as PyTorch's threshold_backward). */
export function reluGrad(g: usize, y: usize, out: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), v128.andnot(v128.load(at(g, i)), f32x4.le(v128.load(at(y, i)), z)));
  for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(y, i)) <= 0 ? 0 : load<f32>(at(g, i)));
}

/** Op codes of arith / arithRows: 0 add, 1 sub, 2 mul, 3 div. */
@inline function op4(op: i32, x: v128, y: v128): v128 {
  return op == 0 ? f32x4.add(x, y) : op == 1 ? f32x4.sub(x, y) : op == 2 ? f32x4.mul(x, y) : f32x4.div(x, y);
}

@inline function op1(op: i32, x: f32, y: f32): f32 {
  return op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
}

/** out = a op b for n elements; b is one scalar when bScalar. */
export function arith(op: i32, a: usize, b: usize, out: usize, n: i32, bScalar: bool): void {
  const bs = v128.load32_splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(out, i), op4(op, v128.load(at(a, i)), bScalar ? bs : v128.load(at(b, i))));
  for (; i < n; i++) store<f32>(at(out, i), op1(op, load<f32>(at(a, i)), load<f32>(at(b, bScalar ? 0 : i))));
}

/** out[r, c] = a[r, c] op b[c] (b broadcast over rows: a bias). */
export function arithRows(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) arith(op, at(a, r * cols), b, at(out, r * cols), cols, false);
}

/**
 * out[o, i] = sum over j of x[o, j, i] (the middle axis of [outer, size, inner]), accumulated in
 * float64 in the order j = 0, 1, ... as the reference kernel, so the float32 result is the same.
 * acc: inner f64 slots.
 */
export function sumMiddle(x: usize, outer: i32, size: i32, inner: i32, out: usize, acc: usize): void {
  for (let o = 0; o < outer; o++) {
    memory.fill(acc, 0, <usize>inner << 3);
    for (let j = 0; j < size; j++) {
      const row = at(x, (o * size + j) * inner);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(at(row, i));
        const p = acc + (<usize>i << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v)));
        v128.store(p, f64x2.add(v128.load(p, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
      }
      for (; i < inner; i++) {
        const p = acc + (<usize>i << 3);
        store<f64>(p, load<f64>(p) + <f64>load<f32>(at(row, i)));
      }
    }
    for (let i = 0; i < inner; i++) store<f32>(at(out, o * inner + i), <f32>load<f64>(acc + (<usize>i << 3)));
  }
}

/**
 * out[o] = sum over j of x[o, j] (contiguous rows: full sums, last-axis sums), accumulated in
 * float64 in eight interleaved partial sums (the JS loop's one serial chain of additions was the
 * cost). The partial sums change the order of float64 additions, not the float32 result but in a
 * float64 near-tie (errors ~1e-16 relative against float32's 6e-8).
 */
export function sumContiguous(x: usize, outer: i32, size: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    const row = at(x, o * size);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let j = 0;
    for (; j + 8 <= size; j += 8) {
      const v = v128.load(at(row, j)), w = v128.load(at(row, j), 16);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
      a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1)));
    }
    const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; j < size; j++) total += <f64>load<f32>(at(row, j));
    store<f32>(at(out, o), <f32>total);
  }
}

/**
 * n 32-bit words at p set to `bits` (a float32's or int32's bits): bulk memory.fill for zeros,
 * else one vector store per 4. JS's TypedArray fill on a view of shared memory runs several
 * times slower than memset (element by element, as shared memory asks of JS).
 */
export function fill32(p: usize, n: i32, bits: i32): void {
  if (bits == 0) {
    memory.fill(p, 0, <usize>n << 2);
    return;
  }
  const v = i32x4.splat(bits);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), v);
  for (; i < n; i++) store<i32>(at(p, i), bits);
}

/**
 * dst = src[0] + src[1] + ... + src[rows - 1] (rows of `cols` floats), added in row order with
 * each sum rounded to float32: the per-row weight-gradient partials of a conv, summed as JS's
 * `dst[j] += part[j]` would (the first row copied, so -0 stays -0).
 */
export function sumPartials(src: usize, rows: i32, cols: i32, dst: usize): void {
  memory.copy(dst, src, <usize>cols << 2);
  for (let r = 1; r < rows; r++) {
    const row = at(src, r * cols);
    let j = 0;
    for (; j + 4 <= cols; j += 4) v128.store(at(dst, j), f32x4.add(v128.load(at(dst, j)), v128.load(at(row, j))));
    for (; j < cols; j++) store<f32>(at(dst, j), load<f32>(at(dst, j)) + load<f32>(at(row, j)));
  }
}
