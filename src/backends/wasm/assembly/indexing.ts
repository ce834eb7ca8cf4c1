// Index kernels (float32).

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
