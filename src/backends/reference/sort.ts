// Reference sort along the middle axis of an [outer, size, inner] view: each line is copied out,
// its positions sorted by value, and the first k written back. Ties are broken by position, so
// the result does not depend on the stability of the engine's sort.

import type { TypedArray } from "../../tensor/dtype.js";

export function sort(
  x: TypedArray,
  outer: number,
  size: number,
  inner: number,
  k: number,
  descending: boolean,
  values: TypedArray,
  indices: Int32Array,
): void {
  const line = new Float64Array(size);
  const perm = new Int32Array(size);
  // NaN compares above every number (PyTorch's order); -0 and 0 are equal
  const ascending = (i: number, j: number): number => {
    const a = line[i]!,
      b = line[j]!;
    if (a < b) return -1;
    if (a > b) return 1;
    const na = a !== a,
      nb = b !== b;
    if (na !== nb) return na ? 1 : -1;
    return i - j;
  };
  const descendingCmp = (i: number, j: number): number => {
    const a = line[i]!,
      b = line[j]!;
    if (a > b) return -1;
    if (a < b) return 1;
    const na = a !== a,
      nb = b !== b;
    if (na !== nb) return na ? -1 : 1;
    return i - j;
  };
  const cmp = descending ? descendingCmp : ascending;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const src = o * size * inner + i;
      for (let j = 0; j < size; j++) {
        line[j] = x[src + j * inner]!;
        perm[j] = j;
      }
      perm.sort(cmp);
      const dst = o * k * inner + i;
      for (let j = 0; j < k; j++) {
        const p = perm[j]!;
        indices[dst + j * inner] = p;
        values[dst + j * inner] = line[p]!;
      }
    }
  }
}
