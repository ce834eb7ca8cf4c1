// Where a tensor's values live: a typed array in JS memory (host storage), or a block that a
// backend keeps in its own memory (device storage: wasm linear memory today, a GPU buffer next).
// A backend keeps its kernels' outputs in its memory, so the next kernel reads them where they
// are instead of copying them in and out. Everything else (the user, printing, the reference
// kernels, in-place writes) reads a device storage through `hostView()`.
// Not here: allocation policy and release (each backend's), kernels.

import type { DType, TypedArray } from "./dtype.js";

/**
 * A block of a backend's memory holding one tensor's values. It is released when nothing
 * references it any more: the backend registers it with a FinalizationRegistry, and every view
 * hostView() returns keeps it alive (see `ownerOf`), so a view a caller still holds never points
 * at a block that was reused.
 */
export interface DeviceStorage {
  /** The backend whose memory holds it ("wasm"). */
  readonly device: string;
  readonly dtype: DType;
  /** Elements. */
  readonly length: number;
  /**
   * The values as a typed array the host reads and writes synchronously, in place (wasm: a view
   * of its linear memory). A storage the host cannot address (a GPU buffer, `hostAddressable`
   * false) throws here, naming the asynchronous read to use (`await t.dataAsync()`).
   */
  hostView(): TypedArray;
  /** False where hostView() throws because the host cannot address the memory (a GPU buffer); absent means true. */
  readonly hostAddressable?: boolean;
  /** A copy of the values, read asynchronously (a GPU: through a mapped staging buffer). Absent: a copy of hostView(). */
  read?(): Promise<TypedArray>;
  /** Bytes it holds (at least length times the element size). */
  readonly byteLength: number;
  /**
   * Give the block back now rather than at garbage collection: for an owner that proved nothing
   * reads it or any view of it any more (the backward pass, for gradients it consumed).
   */
  release(): void;
}

/** A tensor's storage: host (a typed array) or device. */
export type Storage = TypedArray | DeviceStorage;

/** Views handed out by device storages, to their storage: holding a view holds the block. */
const owners = new WeakMap<TypedArray, DeviceStorage>();

/** A backend calls this for every view it hands out of `owner`. */
export function adoptView(view: TypedArray, owner: DeviceStorage): TypedArray {
  owners.set(view, owner);
  return view;
}

/** The device storage `view` is a whole view of, or null (a host array, or a part of a block). */
export function ownerOf(view: TypedArray): DeviceStorage | null {
  return owners.get(view) ?? null;
}

export function isDeviceStorage(s: Storage): s is DeviceStorage {
  return !ArrayBuffer.isView(s);
}

/**
 * An untouched ArrayBuffer of `bytes` bytes, or null where the engine refuses one (it is only a
 * hint): a device storage holds one as its weight in the garbage collector's accounting. Engines
 * count ArrayBuffers as external memory and collect sooner as it grows, while the storage object
 * alone weighs a few words, so without it the collector, seeing little garbage, runs too rarely
 * to free backend memory held by unreachable tensors. Never written, so the OS maps no pages
 * for a large one.
 */
export function gcWeight(bytes: number): ArrayBuffer | null {
  try {
    return new ArrayBuffer(bytes);
  } catch {
    return null;
  }
}

/**
 * Storage in the active backend's memory for a tensor that tensor/create.ts fills on the host
 * (random draws), or null for a host array. A backend that keeps blocks the host can address
 * (wasm's resident tensors) lets the first kernels read such a tensor where it is: a host array
 * is copied into the backend's memory by every kernel call that reads it (the conv2d bench's
 * randn input: 2 MB twice a training step). Registered by backends/index.ts, so that tensor/
 * imports no backend; absent (no backend loaded) means host arrays.
 */
let creationAllocator: ((dtype: DType, n: number) => DeviceStorage | null) | null = null;

/** Set the allocator creationStorage asks (backends/index.ts). */
export function setCreationAllocator(allocate: ((dtype: DType, n: number) => DeviceStorage | null) | null): void {
  creationAllocator = allocate;
}

/** A block of `n` elements in the active backend's memory for values written on the host right away (unspecified until then), or null. */
export function creationStorage(dtype: DType, n: number): DeviceStorage | null {
  return creationAllocator?.(dtype, n) ?? null;
}

/**
 * Backends whose memory holds blocks only the garbage collector frees (wasm's resident tensors,
 * freed by a FinalizationRegistry) report here when that memory is nearly spent. Finalizers run
 * between tasks, so a loop that never yields cannot get those blocks back: once the budget is
 * spent its outputs become host arrays, copied in and out of every kernel (BENCHMARKS.md: a
 * digits CNN epoch ~0.7x its time when its blocks come back). An asynchronous loop (fit) asks
 * before each batch and yields a task when this is true.
 */
const pressureProbes = new Set<() => boolean>();

/** Register a backend's probe (true: its collected-only memory is nearly spent); returns its removal. */
export function addMemoryPressureProbe(probe: () => boolean): () => void {
  pressureProbes.add(probe);
  return () => void pressureProbes.delete(probe);
}

/** Whether some backend's memory that only the garbage collector frees is nearly spent (see addMemoryPressureProbe). */
export function deviceMemoryPressed(): boolean {
  for (const p of pressureProbes) if (p()) return true;
  return false;
}
