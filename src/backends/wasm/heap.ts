// Blocks of wasm linear memory: each kernel call's temporaries (the arena's), and the storage of
// tensors the wasm backend keeps in its memory (its kernels' outputs, see WasmBlock).
//
// Size classes, four per power of two (a block is at most 25% larger than asked), each with a
// free list: a freed block waits for the next request of its class, so a training loop, which
// asks for the same sizes every step, reuses the same blocks and the memory stops growing.
// Memory grows only at its end, at least 1.5x at a time (WebAssembly cannot shrink it).
//
// Resident tensor blocks are released by garbage collection: a FinalizationRegistry frees a
// block once its WasmBlock (held by the tensors over it and by every view it handed out) is
// collected. JS runs finalizers only between tasks, so a long synchronous loop frees nothing
// until it yields; `residentBudget` bounds what such a loop can pin, and past it the backend
// hands out host arrays (its kernels copy those in and out, as for any host operand), except to
// a backward pass, which gives back what it consumes itself and may go `passBudget` further.

import type { TypedArray } from "../../tensor/dtype.js";
import { type DeviceStorage, addMemoryPressureProbe, adoptView, gcWeight } from "../../tensor/storage.js";
import { POISON_INT32, inBackwardPass, poisonUnfilled } from "../../tensor/storagePool.js";
import type { WasmRuntime } from "./runtime.js";

/** WebAssembly's page, and the most pages a 32-bit memory can have (4 GiB). */
export const PAGE = 65536;
export const MAX_PAGES = 65536;

/** The bits of a quiet float32 NaN (the poison of an unfilled float32 block). */
const NAN_BITS = 0x7fc00000;

/** The block size a request of `bytes` gets: 16-aligned, four classes per power of two. */
export function sizeClass(bytes: number): number {
  const b = Math.max(64, bytes);
  // a quarter of b's power of two; clz32 below 2 GiB (Math.log2 and ** cost ~10x as much, and
  // every kernel call allocates and frees its temporaries through here)
  const step = b < 2 ** 31 ? 1 << (29 - Math.clz32(b)) : 2 ** Math.floor(Math.log2(b)) / 4;
  return Math.ceil(b / step) * step;
}

export class WasmHeap {
  private top: number;
  private readonly lists = new Map<number, number[]>();
  /** Bytes in blocks handed out and not freed (temporaries and resident tensors). */
  liveBytes = 0;
  /** Bytes of resident tensor blocks not yet freed (part of liveBytes). */
  residentBytes = 0;
  /** Resident blocks the garbage collector released so far (tests). */
  finalized = 0;
  /** What resident tensors may hold before allocation falls back to host arrays. */
  residentBudget = 64 * 2 ** 20;
  /**
   * Bytes of blocks a backward pass took past the resident budget (not part of residentBytes),
   * and what they may hold. A synchronous training loop spends the budget on activations that
   * only the collector frees, between tasks; the backward pass gives back the gradients it
   * consumes at once (tensor/storagePool.ts), so its outputs can stay resident past the budget
   * and their copies in and out are saved. Only what escapes the pass (a leaf's .grad) waits for
   * the collector, and this second budget bounds that.
   */
  passBytes = 0;
  passBudget = 16 * 2 ** 20;
  private readonly registry = new FinalizationRegistry<{ ptr: number; cls: number; pass: boolean }>(({ ptr, cls, pass }) => {
    this.finalized++;
    this.releaseResident(ptr, cls, pass);
  });

  /**
   * Blocks from `base` up; `guard` unregistered bytes after each block (the checked build: a
   * kernel that runs past an operand's end traps in the gap instead of reaching a neighbour).
   */
  constructor(
    private readonly rt: WasmRuntime,
    base: number,
    private readonly guard: number,
  ) {
    this.top = base;
    this.buffers.add(rt.memory.buffer);
    this.ensure(base);
    // only a shared memory keeps tensors resident; a private one never fills its budget
    if (rt.shared) addMemoryPressureProbe(() => this.pressed());
  }

  /**
   * Whether resident tensors hold three quarters of the budget: a loop that can yield (fit)
   * should, so the finalizers of the blocks it dropped run before the budget sends outputs to
   * the host. Three quarters, not all: a yield returns only what a collection has already found
   * dead, so the loop asks early enough for a few more tries.
   */
  pressed(): boolean {
    // a budget of 0 turns residency off: nothing to wait for
    return this.residentBudget > 0 && this.residentBytes >= 0.75 * this.residentBudget;
  }

  /** A block of at least `bytes` bytes, 16-aligned; returns its address. Its size class is sizeClass(bytes). */
  alloc(bytes: number): number {
    const cls = sizeClass(bytes);
    this.liveBytes += cls;
    const p = this.lists.get(cls)?.pop();
    if (p !== undefined) return p;
    const at = this.top;
    this.top = at + cls + this.guard;
    this.ensure(this.top);
    return at;
  }

  /** Give back a block alloc(bytes) returned. */
  free(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.liveBytes -= cls;
    let list = this.lists.get(cls);
    if (!list) this.lists.set(cls, (list = []));
    list.push(ptr);
  }

  /**
   * A resident block for `n` elements of `dtype` (float32 or int32), or null when resident tensors
   * already hold `residentBudget` bytes. Zero-filled unless `zero` is false (an output a kernel
   * writes whole: the backend contract's allocate); then it holds whatever the block held before,
   * or the poison of the debug mode (tensor/storagePool.ts).
   */
  allocResident(dtype: "float32" | "int32", n: number, zero = true): WasmBlock | null {
    const bytes = 4 * n,
      cls = sizeClass(bytes);
    let pass = false;
    if (this.residentBytes + cls > this.residentBudget) {
      if (!inBackwardPass() || this.passBytes + cls > this.passBudget) return null;
      pass = true;
    }
    const ptr = this.alloc(bytes);
    if (pass) this.passBytes += cls;
    else this.residentBytes += cls;
    // a backward pass gives back what it consumes itself; the few that escape it (a leaf's .grad)
    // weigh too little to need the collector's attention
    const block = new WasmBlock(this, ptr, dtype, n, pass, !inBackwardPass());
    const fill = zero ? 0 : poisonUnfilled() ? (dtype === "float32" ? NAN_BITS : POISON_INT32) : null;
    // memset in wasm: JS's fill on a view of shared memory is several times slower (BENCHMARKS.md);
    // the checked build traps on any store outside a call's registered operands, so JS fills there
    if (fill !== null) {
      if (this.rt.checked) new Int32Array(block.hostView().buffer, ptr, n).fill(fill);
      else this.rt.exports.fill32(ptr, n, fill);
    }
    this.registry.register(block, { ptr, cls, pass }, block);
    return block;
  }

  /** Free a resident block now (its owner proved nothing reads it or any view of it any more). */
  releaseNow(block: WasmBlock): void {
    if (!this.registry.unregister(block)) return;
    this.releaseResident(block.ptr, sizeClass(4 * block.length), block.pass);
  }

  private releaseResident(ptr: number, cls: number, pass: boolean): void {
    if (pass) this.passBytes -= cls;
    else this.residentBytes -= cls;
    this.free(ptr, cls);
  }

  /** A view of linear memory (shared memory never detaches its views; a private one may, so re-create per use there). */
  view(dtype: "float32" | "int32", ptr: number, n: number): Float32Array | Int32Array {
    return dtype === "float32" ? new Float32Array(this.rt.memory.buffer, ptr, n) : new Int32Array(this.rt.memory.buffer, ptr, n);
  }

  /** Whether `x` is a view of this memory (any buffer the memory has had). */
  owns(x: TypedArray): boolean {
    return x.buffer === this.rt.memory.buffer || this.buffers.has(x.buffer);
  }
  private readonly buffers = new WeakSet<ArrayBufferLike>();

  private ensure(bytes: number): void {
    const have = this.rt.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new RangeError(
        `wasm backend: a kernel needs ${(bytes / 2 ** 30).toFixed(2)} GiB of operands, more than WebAssembly's 4 GiB address space; use tl.setBackend("reference") for this op or split the batch.`,
      );
    }
    this.buffers.add(this.rt.memory.buffer);
    // grow at least 1.5x so a run of slightly larger calls does not grow page by page
    this.rt.memory.grow(Math.min(MAX_PAGES - have / PAGE, Math.max(pages, Math.ceil(have / PAGE / 2))));
    this.buffers.add(this.rt.memory.buffer);
  }
}

/**
 * A tensor's values in wasm linear memory (shared memory only: its views never detach, so one
 * view serves every read, and the thread pool's workers see the same bytes).
 */
export class WasmBlock implements DeviceStorage {
  readonly device = "wasm";
  private readonly view: Float32Array | Int32Array;
  /**
   * The block's weight in the garbage collector's accounting: an untouched ArrayBuffer of a
   * quarter of its size (never written, so the OS maps no pages for it). Engines count
   * ArrayBuffers as external memory and collect sooner as it grows; a block alone weighs a few
   * words, and the collector, seeing little garbage, runs too rarely to free blocks before the
   * resident budget is spent. A quarter, not the full size: that collects more often than needed
   * (numbers in BENCHMARKS.md).
   */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: the block's weight in the collector's accounting
  private readonly weight: ArrayBuffer | null;

  constructor(
    private readonly heap: WasmHeap,
    readonly ptr: number,
    readonly dtype: "float32" | "int32",
    readonly length: number,
    /** Taken by a backward pass past the resident budget (counted in the heap's passBytes). */
    readonly pass = false,
    weighted = true,
  ) {
    this.view = heap.view(dtype, ptr, length);
    this.weight = weighted ? gcWeight(this.view.byteLength >> 2) : null;
    adoptView(this.view, this);
  }

  hostView(): Float32Array | Int32Array {
    return this.view;
  }

  get byteLength(): number {
    return this.view.byteLength;
  }

  release(): void {
    this.heap.releaseNow(this);
  }
}
