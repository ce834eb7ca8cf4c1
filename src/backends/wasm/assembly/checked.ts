// Bounds checks for the checked build (scripts/buildWasm.mjs --checked; tests only, never shipped).
// That build rewrites every load, store, memory.fill and memory.copy of the kernels so its
// address first passes through ck(): the access [address, address + bytes) must lie inside one
// operand range the JS side registered for the current call (runtime.ts, Arena), and a store
// needs a writable range. The arena leaves a guard gap between operands, so a kernel that walks
// off the end of one operand lands in a gap instead of silently in its neighbour. A failed check
// records the access at the table's head and traps; the JS side turns that into an error.
//
// Table layout (i32s at checkedTable()): [0] range count, [1] failed address, [2] its bytes,
// [3] 1 for a store, then from word 4 one (start, end, writable) triple per range.

const TABLE: usize = (__heap_base + 15) & ~15;

/** Where the JS side writes the range table (just past the module's static data). */
export function checkedTable(): usize {
  return TABLE;
}

/** Where asc places the module's static data (math tables), which kernels may read without a range. */
const DATA_START: usize = 1024;

let lastHit: i32 = 0;

/** `ptr` unchanged when [ptr + offset, + bytes) is inside one registered range (writable for a store); else trap. */
export function ck(ptr: usize, offset: usize, bytes: usize, write: bool): usize {
  const a = ptr + offset, e = a + bytes;
  if (bytes == 0) return ptr;
  const n = load<i32>(TABLE);
  // the operand of the previous access, else a binary search: the arena registers ranges in
  // address order, so the table is sorted by start
  let i = lastHit;
  if (i >= n || a < <usize>load<u32>(TABLE + 16 + (<usize>i) * 12) || a >= <usize>load<u32>(TABLE + 20 + (<usize>i) * 12)) {
    let lo = 0, hi = n;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (<usize>load<u32>(TABLE + 16 + (<usize>mid) * 12) <= a) lo = mid; else hi = mid;
    }
    i = lo;
  }
  if (i < n) {
    const r = TABLE + 16 + (<usize>i) * 12;
    const s = <usize>load<u32>(r), t = <usize>load<u32>(r, 4);
    if (a >= s && e <= t && (!write || load<i32>(r, 8) != 0)) { lastHit = i; return ptr; }
  }
  if (!write && a >= DATA_START && e <= __data_end) return ptr;
  store<u32>(TABLE, <u32>a, 4);
  store<u32>(TABLE, <u32>bytes, 8);
  store<u32>(TABLE, write ? 1 : 0, 12);
  unreachable();
  return ptr;
}
