// The op boundary of a host backend (reference, wasm): kernels() hands kernels operands, a host
// typed array or a device storage (tensor/storage.ts); a host backend's kernels take typed arrays.
// hostKernels wraps each kernel once so that every device-storage argument becomes its
// hostView() (wasm: a view of its linear memory, the same object on every call). The wrapper
// passes arguments through fixed parameters, so a call allocates nothing.

import type { Backend, HostBackend, KernelTable } from "./backend.js";
import type { DeviceStorage } from "../tensor/storage.js";
import { referenceBackend } from "./reference/index.js";

/** Each kernel's parameter count (optional ones included), checked against the contract. */
const ARITY = {
  unary: 5,
  binary: 7,
  where: 8,
  reduce: 6,
  matmul: 5,
  copyStrided: 3,
  indexSelect: 6,
  indexAdd: 6,
  gather: 6,
  scatterAdd: 7,
  scan: 7,
  sort: 8,
  logSoftmax: 5,
  convForward: 7,
  convBackwardInput: 6,
  convBackwardWeight: 6,
  convBackward: 8,
  im2col: 3,
  col2im: 3,
  maxPool: 4,
  avgPool: 4,
  avgPoolBackward: 4,
  lstmCell: 6,
  lstmCellBackward: 9,
  gruCell: 6,
  gruCellBackward: 9,
  lstmSequence: 10,
  lstmSequenceBackward: 14,
  gruSequence: 10,
  gruSequenceBackward: 14,
  optimStep: 6,
} as const satisfies { [K in keyof KernelTable]: Required<Parameters<KernelTable[K]>>["length"] };

/** `v`'s host view when it is a device storage; anything else unchanged (typed arrays and arrays are tested first: cheap). */
export function hostOperand(v: unknown): unknown {
  if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || Array.isArray(v)) return v;
  return typeof (v as Partial<DeviceStorage>).hostView === "function" ? (v as DeviceStorage).hostView() : v;
}

// biome-ignore lint/suspicious/noExplicitAny: a kernel of any signature, wrapped without changing it
type AnyKernel = (...args: any[]) => void;

/**
 * `fn` over operands: device storages become host views. The wrapper has exactly the kernel's
 * parameters (`arity`), so a call allocates nothing and V8 inlines it (a rest parameter or a
 * wider fixed list measured 2-4x the wrapper's cost on small ops).
 */
export function overHostViews(fn: AnyKernel, arity: number): AnyKernel {
  const h = hostOperand;
  switch (arity) {
    case 1:
      return (a) => fn(h(a));
    case 2:
      return (a, b) => fn(h(a), h(b));
    case 3:
      return (a, b, c) => fn(h(a), h(b), h(c));
    case 4:
      return (a, b, c, d) => fn(h(a), h(b), h(c), h(d));
    case 5:
      return (a, b, c, d, e) => fn(h(a), h(b), h(c), h(d), h(e));
    case 6:
      return (a, b, c, d, e, f) => fn(h(a), h(b), h(c), h(d), h(e), h(f));
    case 7:
      return (a, b, c, d, e, f, g) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g));
    case 8:
      return (a, b, c, d, e, f, g, i) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i));
    case 9:
      return (a, b, c, d, e, f, g, i, j) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j));
    case 10:
      return (a, b, c, d, e, f, g, i, j, k) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j), h(k));
    case 11:
      return (a, b, c, d, e, f, g, i, j, k, l) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j), h(k), h(l));
    case 12:
      return (a, b, c, d, e, f, g, i, j, k, l, m) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j), h(k), h(l), h(m));
    case 13:
      return (a, b, c, d, e, f, g, i, j, k, l, m, n) => fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j), h(k), h(l), h(m), h(n));
    case 14:
      return (a, b, c, d, e, f, g, i, j, k, l, m, n, o) =>
        fn(h(a), h(b), h(c), h(d), h(e), h(f), h(g), h(i), h(j), h(k), h(l), h(m), h(n), h(o));
    default:
      throw new Error(`hostKernels: a kernel with ${arity} parameters; add a case`);
  }
}

/** The kernels of a host backend as ops call them (over operands), beside its name, allocator and other members. */
export function hostKernels(b: HostBackend): Backend {
  // everything else the backend carries (the wasm backend's thread controls, its arena) stays reachable
  const out: Record<string, unknown> = { ...b };
  for (const k of KERNEL_NAMES) out[k] = overHostViews(b[k] as AnyKernel, ARITY[k]);
  return out as Backend;
}

/** Every kernel of the contract, by name (the reference backend lists them all). */
export const KERNEL_NAMES: readonly (keyof KernelTable)[] = Object.keys(referenceBackend).filter(
  (k): k is keyof KernelTable => k !== "name" && k !== "allocate",
);
