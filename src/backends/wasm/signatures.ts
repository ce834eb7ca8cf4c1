// The argument order of the wasm kernels that the thread pool runs, written once, in the order
// and with the names of their AssemblyScript signatures (assembly/*.ts; a test compares them).
// Callers build a row as a struct by name (KernelArgs<K>) and rowOf lays it out in this order,
// so an argument can be neither missing, extra, nor in the wrong place: any of those is a
// compile error. The pool's workers still receive plain numbers (one Float64 row each).

export const POOL_KERNEL_PARAMS = {
  sgemm: ["m", "n", "k", "a", "ars", "acs", "b", "brs", "bcs", "c", "ldc", "accumulate", "scratch"],
  convForward: ["x", "w", "out", "n0", "n1", "C", "P", "O", "K", "L", "groups", "runs", "chunks", "nChunks", "cols", "scratch", "bias", "packedW"],
  convBackwardInput: ["dy", "w", "img", "n0", "n1", "C", "P", "O", "K", "L", "groups", "runs", "chunks", "nChunks", "cols", "scratch", "packedWT"],
  convBackwardWeight: ["x", "dy", "dw", "n0", "n1", "C", "P", "O", "K", "L", "groups", "runs", "chunks", "nChunks", "cols", "scratch", "accumulate"],
  convBackward: ["x", "w", "dy", "dx", "dw", "n0", "n1", "C", "P", "O", "K", "L", "groups", "runs", "chunks", "nChunks", "cols", "scratch", "accumulate", "packedWT"],
  lstmSequence: ["xg", "h0", "c0", "w", "out", "gates", "T", "B", "H", "reverse", "scratch", "packed", "b0", "nb"],
  lstmSequenceBackward: ["w", "gates", "out", "h0", "c0", "gOut", "dxg", "dh0", "dc0", "hPrev", "dh", "dc", "dcPrev", "T", "B", "H", "reverse", "scratch", "packed", "b0", "nb"],
  gruSequence: ["xg", "h0", "w", "b", "hasBias", "out", "hg", "T", "B", "H", "reverse", "scratch", "packed", "b0", "nb"],
  gruSequenceBackward: ["xg", "w", "hg", "out", "h0", "gOut", "dxg", "dhg", "dh0", "hPrev", "dh", "dhDirect", "T", "B", "H", "reverse", "scratch", "packed", "b0", "nb"],
  depthwiseForward: ["x", "w", "out", "n0", "n1", "C", "P", "O", "K", "L", "runs", "nRuns", "bias"],
  depthwiseBackwardInput: ["dy", "w", "dx", "n0", "n1", "C", "P", "O", "K", "L", "runs", "nRuns"],
  depthwiseBackwardWeight: ["x", "dy", "dw", "n0", "n1", "C", "P", "O", "K", "L", "runs", "nRuns", "accumulate"],
  convDirect: ["x", "n0", "n1", "C", "P", "Pp", "padRuns", "nPadRuns", "xpad", "packedA", "M", "Kd", "offs", "rowBase", "rows", "W", "out", "bias", "tmp"],
  convDirectWeight: ["x", "dy", "n0", "n1", "C", "P", "Pp", "padRuns", "nPadRuns", "xpad", "dyT", "O", "Kd", "offs", "rowBase", "rows", "W", "dw", "tmp"],
} as const;

type Params = typeof POOL_KERNEL_PARAMS;

/** A kernel the thread pool can run. */
export type PoolKernel = keyof Params;

/** The pool kernels in protocol order (a worker finds kernel i at KERNELS[i]). */
export const KERNELS = Object.keys(POOL_KERNEL_PARAMS) as PoolKernel[];

/** One call's arguments by name: addresses, sizes and flags (booleans as 0/1), all numbers. */
export type KernelArgs<K extends PoolKernel> = { readonly [P in Params[K][number]]: number };

/** The positional signature of a pool kernel as wasm exports it. */
type Positional<N extends readonly string[]> = (...args: { [I in keyof N]: number }) => void;

/** The pool kernels' exported functions (runtime.ts's WasmExports includes them). */
export type PoolKernelFns = { [K in PoolKernel]: Positional<Params[K]> };

/** The row of `args` in the kernel's argument order. */
export function rowOf<K extends PoolKernel>(kernel: K, args: KernelArgs<K>): number[] {
  const names: readonly (keyof KernelArgs<K>)[] = POOL_KERNEL_PARAMS[kernel];
  return names.map((p) => args[p]);
}
