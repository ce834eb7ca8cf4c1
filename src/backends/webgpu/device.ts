// The WebGPU device as the kernels see it: tensor storage in GPU buffers (GpuStorage), a
// size-class buffer pool released by garbage collection, uploads of host operands, one command
// encoder that batches the dispatches of a synchronous run of ops, a pipeline cache, and the
// asynchronous read of a buffer. Kernels (./kernels/*.ts) call `dispatch` and nothing else.

import { type DType, type TypedArray, allocStorage } from "../../tensor/dtype.js";
import { BackendError, IndexError } from "../../tensor/errors.js";
import { type DeviceStorage, adoptView, gcWeight } from "../../tensor/storage.js";
import type { Operand } from "../backend.js";

/** The WGSL element type of a dtype on the GPU: bool is stored as u32 (0 or 1); float64 stays on the host (null). */
export type GpuType = "f32" | "i32" | "u32";

export function gpuTypeOf(dtype: DType): GpuType | null {
  return dtype === "float32" ? "f32" : dtype === "int32" ? "i32" : dtype === "bool" ? "u32" : null;
}

/** The GPU type a host typed array uploads as (float64 converts to f32: only a cast reads one). */
function gpuTypeOfHost(x: TypedArray): GpuType {
  return x instanceof Int32Array ? "i32" : x instanceof Uint8Array ? "u32" : "f32";
}

/** The WGSL type a kernel will bind `v` as (before binding it, which may upload). */
export function operandType(v: Operand): GpuType {
  if (v instanceof GpuStorage) return v.type;
  return ArrayBuffer.isView(v) ? gpuTypeOfHost(v) : (gpuTypeOf(v.dtype) ?? "f32");
}

/** The thrown error of a synchronous read of a GPU tensor. */
export function syncReadError(): BackendError {
  return new BackendError(
    "This tensor lives on the GPU (webgpu backend) and cannot be read synchronously: use `await t.dataAsync()` (a typed array), `await t.array()` (nested arrays) or `await t.itemAsync()` instead of `t.data`, `t.toArray()`, `t.item()` or printing.",
  );
}

/** Buffer sizes: four classes per power of two (at most 25% slack), at least 16 bytes. */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, bytes);
  const step = Math.max(4, 2 ** Math.floor(Math.log2(b)) / 4);
  return Math.ceil(b / step) * step;
}

/**
 * A tensor's values in a GPU buffer. The host cannot address it: hostView() throws (naming the
 * asynchronous reads), read() copies it back through a staging buffer. Its buffer returns to
 * the pool when the storage is garbage-collected (or release()d by autograd).
 */
export class GpuStorage implements DeviceStorage {
  readonly device = "webgpu";
  /** Still all zeros as allocated: no kernel has written it yet. */
  pristine = true;
  /**
   * The values on the host while they are there: a CPU kernel computed them (all its operands were
   * on the host) and no GPU kernel has needed them yet; the first one uploads them. Null while
   * the buffer holds the values.
   */
  host: TypedArray | null = null;
  /** Its weight in the collector's accounting (gcWeight): a quarter of its bytes, as wasm blocks. */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: the storage's weight in the collector's accounting
  private readonly weight: ArrayBuffer | null;
  constructor(
    readonly ctx: GpuContext,
    readonly buffer: GPUBuffer,
    readonly dtype: DType,
    readonly length: number,
    readonly byteLength: number,
  ) {
    this.weight = gcWeight(byteLength >> 2);
  }
  get type(): GpuType {
    return gpuTypeOf(this.dtype)!;
  }
  /**
   * Whether the values are on the host (see `host`). A pristine storage is not (its values are
   * nowhere yet, so copies and in-place writes go through GPU kernels), but hostView() still
   * reads its zeros.
   */
  get hostAddressable(): boolean {
    return this.host !== null;
  }
  hostView(): TypedArray {
    if (this.host || this.pristine) return this.hostValues();
    throw syncReadError();
  }
  /** The values on the host for a CPU kernel: zeros for a pristine storage; throws when they are on the GPU. */
  hostValues(): TypedArray {
    if (!this.host) {
      if (!this.pristine) throw syncReadError();
      this.host = adoptView(allocStorage(this.dtype, this.length), this);
    }
    return this.host;
  }
  /** Where the values are: the host (or nowhere yet: pristine zeros), or the GPU buffer. */
  get onGpu(): boolean {
    return this.host === null && !this.pristine;
  }
  read(): Promise<TypedArray> {
    if (this.host) return Promise.resolve(this.host.slice());
    return this.ctx.read(this);
  }
  release(): void {
    this.ctx.releaseNow(this);
  }
}

export function isGpuStorage(v: unknown): v is GpuStorage {
  return v instanceof GpuStorage;
}

/** One buffer a dispatch binds: a GPU buffer and the WGSL element type the shader reads it as. */
export interface Bound {
  buffer: GPUBuffer;
  type: GpuType;
}

const STORAGE_USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST (GPUBufferUsage, not a global in Node)
const MAP_READ = 0x1,
  COPY_DST = 0x8,
  MAP_MODE_READ = 0x1;

/** How many dispatches one command encoder batches before it is submitted. */
const BATCH = 64;
/** The check flags' words when no check has failed: [id, position, value, unused]. */
const NO_FAILED_CHECK = [0, 0xffffffff, 0, 0];
/** Index checks whose error message is kept until a read reports them. */
const MAX_PENDING_CHECKS = 4096;
/** Allocations (and at least two collections) between two decays of the pool (see decay). */
const DECAY_EVERY = 4096;

export class GpuContext {
  private readonly pool = new Map<number, GPUBuffer[]>();
  /** Bytes in buffers tensors hold, and in buffers waiting in the pool. */
  liveBytes = 0;
  pooledBytes = 0;
  /** Buffers the collector gave back so far (tests, the memory trace). */
  finalized = 0;
  /** The most bytes live and pooled buffers held at once since resetPeak() (tests, the memory trace). */
  peakBytes = 0;
  /** What live and pooled buffers may hold before allocation empties the pool (a soft cap; see allocate). */
  budgetBytes: number;
  private readonly registry = new FinalizationRegistry<{ buffer: GPUBuffer; cls: number }>(({ buffer, cls }) => {
    this.finalized++;
    if (!this.inCollection) {
      this.inCollection = true;
      this.collections++;
      queueMicrotask(() => {
        this.inCollection = false;
      });
    }
    this.giveBack(buffer, cls);
  });
  /** Collector runs that gave buffers back (one task of callbacks each) since the last decay. */
  private collections = 0;
  private inCollection = false;
  /** Allocations since the last decay. */
  private allocations = 0;
  /** Per size class, the fewest buffers its pool list held since the last decay: those were never needed. */
  private readonly lowWater = new Map<number, number>();
  private encoder: GPUCommandEncoder | null = null;
  private passes = 0;
  private temps: GPUBuffer[] = [];
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private flushQueued = false;
  /** The first out-of-memory or validation error the device reported asynchronously, thrown by the next read. */
  private deviceError: string | null = null;
  /**
   * Index checks of values on the GPU (checkIndices.ts), reported by the next read as the device's
   * own errors are: a 16-byte buffer the check kernels write [check id, first bad position, its
   * value, 0] into (id 0: none failed yet), and per pending check id the error it throws.
   */
  private checkFlags: GPUBuffer | null = null;
  private readonly checks = new Map<number, (value: number, position: number) => Error>();
  private nextCheck = 1;

  constructor(readonly device: GPUDevice) {
    this.budgetBytes = Math.min(2 ** 31, Number(device.limits.maxBufferSize) * 4);
    device.addEventListener?.("uncapturederror", (e) => {
      this.deviceError ??= String((e as GPUUncapturedErrorEvent).error?.message ?? e);
    });
  }

  /**
   * A zero-filled buffer for `n` elements of `dtype` (float32, int32 or bool). From the pool when
   * a buffer of its size class waits there (cleared on the GPU), else new. Past the budget the
   * pool is emptied first (buffers the collector already gave back); JS cannot run the collector
   * on demand, so what unreachable tensors still hold is freed only when it next runs (between
   * tasks): a loop that allocates faster than that should yield (`await` anything) now and then.
   */
  allocate(dtype: DType, n: number): GpuStorage {
    const bytes = 4 * n,
      cls = sizeClass(bytes);
    const list = this.pool.get(cls);
    let buffer = list?.pop();
    this.allocations++;
    if (buffer) {
      this.pooledBytes -= cls;
      if (list!.length < (this.lowWater.get(cls) ?? Number.POSITIVE_INFINITY)) this.lowWater.set(cls, list!.length);
      this.commands().clearBuffer(buffer);
    } else {
      if (this.liveBytes + this.pooledBytes + cls > this.budgetBytes) this.trimPool();
      buffer = this.createBuffer(cls);
    }
    this.liveBytes += cls;
    if (this.liveBytes + this.pooledBytes > this.peakBytes) this.peakBytes = this.liveBytes + this.pooledBytes;
    const s = new GpuStorage(this, buffer, dtype, n, cls);
    this.registry.register(s, { buffer, cls }, s);
    return s;
  }

  /**
   * A new storage buffer; an allocation the device refuses at once is retried after emptying the
   * pool. WebGPU reports running out of memory asynchronously (an error scope): that error is
   * kept and thrown by the next read, naming the allocation.
   */
  private createBuffer(size: number): GPUBuffer {
    const first = this.tryCreate(size);
    if (!(first instanceof Error)) return first;
    this.trimPool();
    const second = this.tryCreate(size);
    if (!(second instanceof Error)) return second;
    throw new BackendError(
      `webgpu: allocating ${size} bytes failed (${first.message}) with ${this.liveBytes} bytes held by live tensors; drop references to tensors you no longer need, or use smaller batches.`,
    );
  }

  private tryCreate(size: number): GPUBuffer | Error {
    const d = this.device;
    d.pushErrorScope("out-of-memory");
    let result: GPUBuffer | Error;
    try {
      result = d.createBuffer({ size, usage: STORAGE_USAGE });
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    d.popErrorScope().then(
      (e) => {
        if (e)
          this.deviceError ??= `out of GPU memory allocating ${size} bytes (${e.message}); ${this.liveBytes} bytes are held by live tensors`;
      },
      () => {},
    );
    return result;
  }

  /**
   * Destroy every pooled buffer, after submitting what may still use them (a storage autograd
   * released early). Only a submit: allocation may run inside a kernel, whose temporaries must live.
   */
  trimPool(): void {
    this.submit();
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.lowWater.clear();
    this.pooledBytes = 0;
  }

  /**
   * Destroy the pooled buffers no allocation needed since the last decay (each size class's
   * low-water mark), once DECAY_EVERY allocations and two collections have passed. The pool then
   * holds what the loop reuses between collections, not the most the collector ever ran late:
   * without it live + pooled bytes only rise, ratcheting up with every unusually late collection.
   * Runs after a submit, so no recorded command still names a destroyed buffer.
   */
  private decay(): void {
    if (this.allocations < DECAY_EVERY || this.collections < 2) return;
    for (const [cls, list] of this.pool) {
      const idle = Math.min(this.lowWater.get(cls) ?? 0, list.length);
      for (const b of list.splice(0, idle)) b.destroy();
      this.pooledBytes -= idle * cls;
      if (list.length === 0) this.pool.delete(cls);
      else this.lowWater.set(cls, list.length);
    }
    for (const cls of this.lowWater.keys()) if (!this.pool.has(cls)) this.lowWater.delete(cls);
    this.allocations = 0;
    this.collections = 0;
  }

  /** Start a new peakBytes window at the bytes held now. */
  resetPeak(): void {
    this.peakBytes = this.liveBytes + this.pooledBytes;
  }

  releaseNow(s: GpuStorage): void {
    if (this.registry.unregister(s)) this.giveBack(s.buffer, s.byteLength);
  }

  private giveBack(buffer: GPUBuffer, cls: number): void {
    this.liveBytes -= cls;
    this.pooledBytes += cls;
    let list = this.pool.get(cls);
    if (!list) this.pool.set(cls, (list = []));
    // a class new to this window: the buffers arriving now are kept at least one whole window
    if (!this.lowWater.has(cls)) this.lowWater.set(cls, 0);
    list.push(buffer);
  }

  /** The buffer a kernel binds for `v`: a GPU storage's own, or a host array uploaded to a temporary buffer. */
  bind(v: Operand): Bound {
    if (v instanceof GpuStorage) {
      if (v.host) {
        const h = v.host;
        v.host = null;
        this.write(v, h);
      }
      return { buffer: v.buffer, type: v.type };
    }
    if (!ArrayBuffer.isView(v)) throw new BackendError(`webgpu: a kernel got a ${v.device} storage; move it to the host first.`);
    return this.upload(v);
  }

  /** A host array in a new temporary buffer, converted to its GPU type (bool to u32, float64 to f32). */
  upload(x: TypedArray, type: GpuType = gpuTypeOfHost(x)): Bound {
    const size = sizeClass(4 * x.length);
    const buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, mappedAtCreation: true });
    const range = buffer.getMappedRange();
    if (type === "f32") new Float32Array(range, 0, x.length).set(x);
    else if (type === "i32") new Int32Array(range, 0, x.length).set(x);
    else new Uint32Array(range, 0, x.length).set(x);
    buffer.unmap();
    this.temps.push(buffer);
    return { buffer, type };
  }

  /** A small temporary buffer of u32 (and bit-cast f32) parameters. */
  params(words: readonly number[], floats: readonly number[] = []): GPUBuffer {
    const n = Math.max(4, words.length + floats.length);
    const buffer = this.device.createBuffer({ size: 4 * n, usage: STORAGE_USAGE, mappedAtCreation: true });
    const range = buffer.getMappedRange();
    new Uint32Array(range).set(words);
    new Float32Array(range).set(floats, words.length);
    buffer.unmap();
    this.temps.push(buffer);
    return buffer;
  }

  /** The open command encoder; submitted in a microtask, on a read, or every BATCH dispatches. */
  private commands(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    }
    return this.encoder;
  }

  private submit(): void {
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.passes = 0;
    }
  }

  /** Submit what was recorded, and destroy the temporaries it used (WebGPU frees them once the work is done). */
  flush(): void {
    this.submit();
    for (const t of this.temps) t.destroy();
    this.temps = [];
    this.decay();
  }

  /** The compute pipeline of `code` (entry point main), compiled once per key. */
  pipeline(key: string, code: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: code() });
      p = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Record one dispatch of `pipeline` with `buffers` bound at 0, 1, ... in order, over `threads`
   * invocations of a 1-D kernel (workgroups of 64, spread over x and y past 65535 groups), or
   * over explicit `groups`. Storages written (`outs`) stop being pristine.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    buffers: readonly GPUBuffer[],
    size: { threads: number } | { groups: [number, number, number] },
    outs: readonly Operand[] = [],
  ): void {
    for (const o of outs) {
      if (o instanceof GpuStorage) {
        o.pristine = false;
        o.host = null;
      }
    }
    let g: [number, number, number];
    if ("threads" in size) {
      if (size.threads === 0) return;
      const groups = Math.ceil(size.threads / 64);
      g = groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1];
    } else {
      g = size.groups;
      if (g[0] === 0 || g[1] === 0 || g[2] === 0) return;
    }
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const pass = this.commands().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(g[0], g[1], g[2]);
    pass.end();
    this.passes++;
  }

  /**
   * Submit the recorded work once BATCH dispatches wait. Called between kernels (backend.ts's
   * route, checkIndices), never inside one: a submit destroys the temporaries (uploads, params),
   * which a kernel of several dispatches still binds after its first.
   */
  betweenKernels(): void {
    if (this.passes >= BATCH) this.flush();
  }

  /** Copy `src` into `dst` on the GPU (both storages of the same byte length or dst larger). */
  copyBuffer(src: GPUBuffer, dst: GpuStorage, bytes: number): void {
    dst.pristine = false;
    dst.host = null;
    if (bytes > 0) this.commands().copyBufferToBuffer(src, 0, dst.buffer, 0, bytes);
  }

  /**
   * Overwrite a storage with host values, after what was recorded before: a copy from an upload,
   * recorded in order. Not a queue write, which would run before the recorded commands and so
   * need a submit first, and a submit in the middle of a kernel's binding destroys the
   * temporaries it already made.
   */
  write(dst: GpuStorage, x: TypedArray): void {
    dst.pristine = false;
    dst.host = null;
    if (x.length === 0) return;
    const src = this.upload(x, dst.type);
    this.commands().copyBufferToBuffer(src.buffer, 0, dst.buffer, 0, 4 * x.length);
  }

  /**
   * The buffer the index checks flag a failure in, and the id of a new check whose error `fail`
   * makes. Ids wrap at 2^31; at most MAX_PENDING_CHECKS wait for a read (older ones forget their
   * message, not their failure: see failedCheck).
   */
  registerCheck(fail: (value: number, position: number) => Error): { flags: GPUBuffer; id: number } {
    if (!this.checkFlags) {
      this.checkFlags = this.device.createBuffer({ size: 16, usage: STORAGE_USAGE, mappedAtCreation: true });
      new Uint32Array(this.checkFlags.getMappedRange()).set(NO_FAILED_CHECK);
      this.checkFlags.unmap();
    }
    const id = this.nextCheck;
    this.nextCheck = id >= 2 ** 31 - 1 ? 1 : id + 1;
    this.checks.set(id, fail);
    if (this.checks.size > MAX_PENDING_CHECKS) this.checks.delete(this.checks.keys().next().value!);
    return { flags: this.checkFlags, id };
  }

  /** The values of `s` on the host: submit, copy to a staging buffer, map it. Throws what the device or an index check reported since the last read. */
  async read(s: GpuStorage): Promise<TypedArray> {
    const bytes = 4 * s.length;
    if (bytes === 0 && this.checks.size === 0) return allocStorage(s.dtype, 0);
    // the check flags ride along after the values (16-byte aligned), read in the same map
    const flagsAt = this.checks.size > 0 ? Math.ceil(bytes / 16) * 16 : -1;
    const size = flagsAt >= 0 ? flagsAt + 16 : sizeClass(bytes);
    const staging = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST });
    if (bytes > 0) this.commands().copyBufferToBuffer(s.buffer, 0, staging, 0, bytes);
    if (flagsAt >= 0) this.commands().copyBufferToBuffer(this.checkFlags!, 0, staging, flagsAt, 16);
    const checked = new Map(this.checks);
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, size);
    } catch (e) {
      throw new BackendError(
        `webgpu: reading a tensor back failed (${String(e)})${this.deviceError ? `; the device reported: ${this.deviceError}` : ""}.`,
      );
    }
    const out = allocStorage(s.dtype, s.length);
    if (bytes > 0) {
      const raw = staging.getMappedRange(0, bytes);
      if (s.dtype === "bool") (out as Uint8Array).set(new Uint32Array(raw));
      else out.set(s.dtype === "float32" ? new Float32Array(raw) : new Int32Array(raw));
    }
    const flags = flagsAt >= 0 ? Array.from(new Uint32Array(staging.getMappedRange(flagsAt, 16))) : null;
    staging.unmap();
    staging.destroy();
    if (this.deviceError) {
      const e = this.deviceError;
      this.deviceError = null;
      throw new BackendError(`webgpu: the device reported an error while computing this tensor: ${e}`);
    }
    if (flags) {
      // the checks this read covered are done: forget them (later ones wait for the next read)
      for (const id of checked.keys()) this.checks.delete(id);
      if (flags[0] !== 0) throw this.failedCheck(flags, checked);
    }
    return out;
  }

  /** The error of the check that flagged a failure; the flags are reset for the next ones. */
  private failedCheck(flags: number[], checked: Map<number, (value: number, position: number) => Error>): Error {
    this.device.queue.writeBuffer(this.checkFlags!, 0, new Uint32Array(NO_FAILED_CHECK));
    const [id, position, value] = [flags[0]!, flags[1]!, flags[2]! | 0];
    const fail = checked.get(id);
    return fail
      ? fail(value, position)
      : new IndexError(
          `webgpu: an index or class target on the GPU was out of range (value ${value} at position ${position}) in an op more than ${MAX_PENDING_CHECKS} index checks before this read, so its name is no longer known. Read values (await t.dataAsync()) more often to find it.`,
        );
  }
}
