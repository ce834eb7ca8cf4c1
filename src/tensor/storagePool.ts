// Recycling of the storages that gradients use and drop within one backward pass.
//
// Why: a fresh large typed array costs its page faults on first touch (measured on the bench
// machine: 0.6 ms for a fresh 4 MB Float32Array against 0.07 ms to zero one already mapped), and
// a training step allocates tens of MB of activations and gradients. PyTorch's allocator reuses a
// freed block at once because reference counts say when it is free; JS does not say when a
// typed array dies. The backward pass knows it for the gradients it creates: a gradient that a
// node has consumed, that nothing else holds (no hook, retainGrad, .grad or autograd.grad
// result, no view of it handed on) is dead. Only storages allocated during the pass itself are
// candidates, so a tensor from before the pass (an activation, a user's gradient) is never
// recycled. Their storages wait here, keyed by dtype and length, and allocStorage hands them out
// again zero-filled, as a fresh array would be. A device storage (storage.ts) goes back to its
// backend's own pool instead (release()), which hands it to the next output of its size class.

import type { TypedArray } from "./dtype.js";
import { type Storage, isDeviceStorage } from "./storage.js";

/** Below this many bytes the allocator is cheap (no fresh pages): not worth pooling. */
const MIN_BYTES = 64 * 1024;
/** Bounds on what waits for reuse. */
const MAX_BYTES = 128 * 1024 * 1024;
const MAX_PER_SIZE = 4;

const pools = new Map<string, TypedArray[]>();
let pooledBytes = 0;
/**
 * What identifies a storage for recycling, shared by every tensor over it: a host array's buffer
 * (views of one array share it), a device storage itself.
 */
export type StorageKey = ArrayBufferLike | Storage;
export const storageKey = (s: Storage): StorageKey => (isDeviceStorage(s) ? s : s.buffer);

/** Per running backward pass (innermost last), the storages allocated during it; empty outside any. */
const passes: Set<StorageKey>[] = [];
let hits = 0;

const keyOf = (ctor: string, n: number): string => `${ctor}:${n}`;

/**
 * A pooled storage of this class and length, or null: zero-filled, or with `zero` false left as
 * it is (the caller's kernel writes every element; poisoned in the debug mode, see poisonUnfilled).
 */
export function takeStorage(ctor: string, n: number, zero = true): TypedArray | null {
  const list = pools.get(keyOf(ctor, n));
  const s = list?.pop();
  if (!s) return null;
  pooledBytes -= s.byteLength;
  hits++;
  if (zero) s.fill(0);
  else if (poison) s.fill(poisonOf(s));
  return s;
}

/**
 * Debug mode for outputs allocated without their zero fill (ops/op.ts unfilled, a backend's
 * allocate with `zero` false): they are filled with a value no kernel writes by accident (NaN for
 * floats), so a kernel that leaves part of such an output unwritten shows in its result instead
 * of reading as zeros from a fresh or recycled block. Off by default (it costs a fill); the
 * environment variable TENSORLOOM_POISON_UNFILLED=1 turns it on for a whole run (the fixtures).
 */
let poison = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TENSORLOOM_POISON_UNFILLED === "1";

/** Turn the poison fill of unfilled outputs on or off (tests); returns the previous setting. */
export function setPoisonUnfilled(on: boolean): boolean {
  const was = poison;
  poison = on;
  return was;
}

export function poisonUnfilled(): boolean {
  return poison;
}

/** Int32 poison: a large negative value no index or count takes. */
export const POISON_INT32 = -0x5a5a5a5b;
/** Bool poison: neither 0 nor 1. */
export const POISON_BOOL = 0xa5;

/** The poison value for a storage of `s`'s class: NaN for floats. */
export function poisonOf(s: TypedArray): number {
  return s instanceof Int32Array ? POISON_INT32 : s instanceof Uint8Array ? POISON_BOOL : Number.NaN;
}

/** allocStorage (and a backend's allocate) report every storage they return: inside a backward pass it becomes a candidate. */
export function noteAllocated(s: Storage): void {
  // a device storage of any size: giving it back early keeps backend memory from waiting for the collector
  if (passes.length > 0 && (s.byteLength >= MIN_BYTES || isDeviceStorage(s))) passes[passes.length - 1]!.add(storageKey(s));
}

/**
 * Whether a backward pass is running: what it allocates and consumes it gives back itself
 * (recycle), without waiting for the garbage collector.
 */
export function inBackwardPass(): boolean {
  return passes.length > 0;
}

/** Start tracking allocations for one backward pass; returns the set to test candidates against. */
export function beginPass(): Set<StorageKey> {
  const born = new Set<StorageKey>();
  passes.push(born);
  return born;
}

export function endPass(born: Set<StorageKey>): void {
  const i = passes.lastIndexOf(born);
  if (i >= 0) passes.splice(i, 1);
}

/** Give a dead storage back (the caller guarantees nothing references it any more). */
export function recycle(s: Storage): void {
  if (isDeviceStorage(s)) {
    s.release();
    hits++;
    return;
  }
  if (s.byteLength < MIN_BYTES || s.byteOffset !== 0 || s.byteLength !== s.buffer.byteLength) return;
  if (pooledBytes + s.byteLength > MAX_BYTES) return;
  const key = keyOf(s.constructor.name, s.length);
  let list = pools.get(key);
  if (!list) pools.set(key, (list = []));
  if (list.length >= MAX_PER_SIZE || list.includes(s)) return;
  list.push(s);
  pooledBytes += s.byteLength;
}

/** For tests and diagnostics: storages recycled so far (host reuses and device releases) and host bytes waiting. */
export function storagePoolStats(): { hits: number; pooledBytes: number } {
  return { hits, pooledBytes };
}

/** Drop everything pooled (tests). */
export function clearStoragePool(): void {
  pools.clear();
  pooledBytes = 0;
}
