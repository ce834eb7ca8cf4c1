// Index kernels over 32-bit elements (float32 or int32: they only move bits).

@inline function f(base: usize, i: i32): usize { return base + (<usize>i << 2); }

/**
 * out[o, index[o, j]] += src[o, j] for o < outer, j < m, j in order: scatterAdd along the last
 * dim of out [outer, size] with index and src [outer, m] (maxPool's backward, among others).
 * The indices are the caller's to check.
 */
export function scatterAddRows(out: usize, index: usize, src: usize, outer: i32, size: i32, m: i32): void {
  for (let o = 0; o < outer; o++) {
    const d = f(out, o * size), s = f(src, o * m), ix = f(index, o * m);
    for (let j = 0; j < m; j++) {
      const at = f(d, load<i32>(f(ix, j)));
      store<f32>(at, load<f32>(at) + load<f32>(f(s, j)));
    }
  }
}

/**
 * out[o, j, :] = x[o, index[j], :] for o < outer, j < m, rows of `inner` 32-bit elements:
 * indexSelect of x [outer, size, inner] (float32 or int32; only bits move). The indices are the
 * caller's to check.
 */
export function indexSelectRows(x: usize, index: usize, out: usize, outer: i32, size: i32, inner: i32, m: i32): void {
  const row = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = f(x, o * size * inner), dst = f(out, o * m * inner);
    if (inner == 1) {
      for (let j = 0; j < m; j++) store<i32>(f(dst, j), load<i32>(f(src, load<i32>(f(index, j)))));
    } else {
      for (let j = 0; j < m; j++) memory.copy(dst + <usize>j * row, src + <usize>load<i32>(f(index, j)) * row, row);
    }
  }
}
