// log-softmax over contiguous rows (float32): the max shift, f32x4 exponentials, one log per row.
import { vexp } from "./vmath";

import { at } from "./address";

/** out[r, :] = (x[r, :] - max) - log(sum(exp(x[r, :] - max))) for `rows` rows of `size`; semantics of the reference kernel. */
export function logSoftmax(x: usize, out: usize, rows: i32, size: i32): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * size), or = at(out, r * size);
    let m: f32 = -Infinity;
    for (let j = 0; j < size; j++) {
      const v = load<f32>(at(xr, j));
      if (v > m || v != v) m = v;
    }
    if (m == Infinity || m == -Infinity) {
      // a line holding +inf, or only -inf: inf - inf makes every entry NaN, as PyTorch's
      for (let j = 0; j < size; j++) store<f32>(at(or, j), NaN);
      continue;
    }
    const mv = f32x4.splat(m);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= size; j += 4) acc = f32x4.add(acc, vexp(f32x4.sub(v128.load(at(xr, j)), mv)));
    let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; j < size; j++) s += Mathf.exp(load<f32>(at(xr, j)) - m);
    // (x - m) - log s, as PyTorch: m + log s would round away log s's digits when |m| is large
    const ls = Mathf.log(s);
    const lv = f32x4.splat(ls);
    j = 0;
    for (; j + 4 <= size; j += 4) v128.store(at(or, j), f32x4.sub(f32x4.sub(v128.load(at(xr, j)), mv), lv));
    for (; j < size; j++) store<f32>(at(or, j), load<f32>(at(xr, j)) - m - ls);
  }
}
