// Element addresses, shared by the kernels (inlined at each use).

/** The address of the 32-bit element i of the array at base. */
@inline export function at(base: usize, i: i32): usize { return base + (<usize>i << 2); }
