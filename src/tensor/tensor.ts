// The Tensor: a row-major storage (host or device, see storage.ts), its shape and dtype, and the
// autograd fields. Math methods (x.add, x.sum, ...) are attached by src/ops/methods.ts; this file
// has no kernels.

import { type DType, type TypedArray, dtypeOfStorage, isFloat } from "./dtype.js";
import { AutogradError, IndexError, ShapeError, ValueError } from "./errors.js";
import { type Shape, fmt, normDim, numelOf, stridesOf } from "./shape.js";
import { formatTensor } from "./format.js";
import { type DeviceStorage, type Storage, isDeviceStorage, ownerOf } from "./storage.js";

/** What the tensor layer knows of a graph node: its name. autograd/ defines the rest. */
export interface GradFnLike {
  readonly name: string;
}

/** Counts in-place writes to one storage, shared by all views of it (PyTorch's version counter). */
export interface VersionCounter {
  v: number;
}

/** A number, a boolean or a nested array of them: what tensor() takes and toArray() returns (PyTorch: nested Python lists). */
export type NestedArray = number | boolean | NestedArray[];

/** An n-dimensional array with autograd, as torch.Tensor: always contiguous, dtype float32, float64, int32 (PyTorch's int64) or bool, on the CPU (no devices). Make one with tensor(), zeros(), randn()...; its methods (x.add, x.sum, x.backward...) are listed in TensorMethods. */
export class Tensor {
  // storage/shape/dtype change only through setData_ (PyTorch's `param.data = ...`), which lets
  // module.to(dtype) convert parameters while keeping their identity (optimizers hold them).
  private storageRef: Storage;
  /** storageRef when it is a device storage (null: a host array); a field, so `storage` tests it cheaply. */
  private deviceRef: DeviceStorage | null;
  private shapeRef: readonly number[];
  private dtypeRef: DType;
  /** The accumulated gradient of a leaf after backward(), or of a tensor that called retainGrad(). */
  grad: Tensor | null = null;
  private gradFnRef: GradFnLike | null = null;
  /**
   * For a tensor that stands for a PyTorch view (a reshape, slice, select, permute...): the
   * tensor made by no view op whose elements it shows (PyTorch's _base), and that base's gradFn
   * when this view's gradFn was derived. Internal: ops/movement.ts sets them, and when an in-place
   * op later gave the base a new gradFn the view's is derived again on next read (refreshView).
   */
  viewBase: Tensor | null = null;
  /** The base's gradFn when this view's gradFn was derived (internal; see viewBase). */
  viewBaseFn: GradFnLike | null = null;
  /** Installed by ops/movement.ts: derives a stale view's gradFn again from its base's (see viewBase). */
  static refreshView: ((t: Tensor) => void) | null = null;
  /** Shared by views (reshape, detach) so that in-place writes through any of them are seen. */
  version: VersionCounter;
  /** Set by retainGrad(): keep .grad on a non-leaf. */
  retainsGrad = false;
  /** Functions called with the gradient flowing into this tensor during backward (registerHook). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is any function returning void, as in PyTorch
  hooks: ((grad: Tensor) => Tensor | void)[] = [];
  private requiresGradFlag = false;

  /**
   * A tensor over `storage` (not copied). A whole view of a device storage (another tensor's
   * `storage`: reshape, detach) shares that device storage, so the block lives as long as either.
   */
  constructor(storage: Storage, shape: Shape, version?: VersionCounter) {
    if (numelOf(shape) !== storage.length) {
      throw new ShapeError(
        `Tensor: shape ${fmt(shape)} holds ${numelOf(shape)} elements but the storage has ${storage.length}. Pass a shape whose product is the storage length.`,
      );
    }
    const device = isDeviceStorage(storage) ? storage : ownerOf(storage);
    this.storageRef = device ?? storage;
    this.deviceRef = device;
    this.shapeRef = Object.freeze(shape.slice());
    this.dtypeRef = device ? device.dtype : dtypeOfStorage(storage as TypedArray);
    this.version = version ?? { v: 0 };
  }

  /**
   * The values, row-major and contiguous, as a typed array the host reads and writes in place
   * (a device storage's host view). Internal: users read `data` (a copy) or `toArray()`.
   */
  get storage(): TypedArray {
    return this.deviceRef === null ? (this.storageRef as TypedArray) : this.deviceRef.hostView();
  }

  /**
   * What kernels take (backends/backend.ts Operand): the device storage when the values live in a
   * backend's memory, else the host typed array. Internal: ops pass it to kernels().
   */
  get operand(): Storage {
    return this.storageRef;
  }

  /** The device storage holding the values (a block of a backend's memory), or null when they are a host typed array. Internal: backends look here. */
  get deviceStorage(): DeviceStorage | null {
    return this.deviceRef;
  }

  /** The size of each dim (frozen), as torch.Tensor.shape (a number array, not a torch.Size). */
  get shape(): readonly number[] {
    return this.shapeRef;
  }

  /** The element type: "float32", "float64", "int32" or "bool", as torch.Tensor.dtype (a string here). */
  get dtype(): DType {
    return this.dtypeRef;
  }

  /**
   * Make this tensor refer to `other`'s storage, shape and dtype, keeping its identity and its
   * autograd flags, as PyTorch's `t.data = other`. For leaves only (module.to, loading weights).
   */
  setData_(other: Tensor): this {
    if (this.gradFn !== null) {
      throw new AutogradError(
        `setData_: cannot replace the data of a tensor made by ${this.gradFn.name} (a non-leaf). Only leaves such as parameters can take new data.`,
      );
    }
    this.storageRef = other.storageRef;
    this.deviceRef = other.deviceRef;
    this.shapeRef = other.shape;
    this.dtypeRef = other.dtype;
    this.version = other.version;
    if (this.requiresGrad && !isFloat(other.dtype)) this.requiresGrad = false;
    return this;
  }

  /**
   * Point this tensor at `storage` (same dtype and length), keeping everything else: an in-place
   * write of a value the host cannot read synchronously (a GPU buffer) into a host tensor moves
   * the tensor into that storage (ops/inplace.ts). Views taken before keep the old storage.
   * Internal.
   */
  moveTo_(storage: DeviceStorage): void {
    if (storage.dtype !== this.dtypeRef || storage.length !== this.numel()) {
      throw new ValueError(
        `moveTo_: a ${storage.dtype} storage of ${storage.length} elements cannot hold this ${this.dtypeRef} tensor of ${this.numel()}.`,
      );
    }
    this.storageRef = storage;
    this.deviceRef = storage;
  }

  /** The op that made this tensor, when it is part of a graph, as torch.Tensor.grad_fn. */
  get gradFn(): GradFnLike | null {
    this.refreshIfStale();
    return this.gradFnRef;
  }

  set gradFn(fn: GradFnLike | null) {
    this.gradFnRef = fn;
  }

  /** A view whose base got a new gradFn from an in-place op takes its own gradFn again from it (see viewBase). */
  private refreshIfStale(): void {
    const b = this.viewBase;
    if (b !== null && b.gradFnRef !== this.viewBaseFn) Tensor.refreshView?.(this);
  }

  /** Whether autograd records ops on this tensor and accumulates its .grad, as torch.Tensor.requires_grad; only float tensors may set it. */
  get requiresGrad(): boolean {
    this.refreshIfStale();
    return this.requiresGradFlag;
  }

  set requiresGrad(flag: boolean) {
    if (flag && !isFloat(this.dtype)) {
      throw new AutogradError(
        `requiresGrad: only float tensors can require gradients, but this tensor is ${this.dtype}. Convert it first, e.g. x.to("float32").`,
      );
    }
    if (!flag && this.gradFn !== null) {
      throw new AutogradError(
        `requiresGrad: cannot turn gradients off on a tensor made by ${this.gradFn.name} (a non-leaf). Use x.detach() to get a tensor outside the graph.`,
      );
    }
    this.requiresGradFlag = flag;
  }

  /** As torch.Tensor.requires_grad_: set the flag and return this tensor. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** Used by autograd when an op records its output; bypasses the leaf checks. */
  markNonLeaf(gradFn: GradFnLike): void {
    this.gradFnRef = gradFn;
    this.requiresGradFlag = true;
  }

  /**
   * Take `other`'s storage (same dtype and shape), keeping everything else: autograd gives a
   * tensor that stands for a value about to be overwritten in place a copy of its own. Internal.
   */
  adoptStorage_(other: Tensor): void {
    if (other.dtypeRef !== this.dtypeRef || other.numel() !== this.numel()) {
      throw new ValueError(
        `adoptStorage_: a ${other.dtypeRef} tensor of ${other.numel()} elements cannot lend its storage to this ${this.dtypeRef} tensor of ${this.numel()}.`,
      );
    }
    this.storageRef = other.storageRef;
    this.deviceRef = other.deviceRef;
  }

  /** True for tensors the user created (or that do not require grad), as torch.Tensor.is_leaf. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The number of dims, as torch.Tensor.ndim. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements, as torch.Tensor.numel. */
  numel(): number {
    return this.storageRef.length;
  }

  /** size() is the shape (a copy); size(dim) one entry of it, negative dims allowed. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normDim("size", dim, this.ndim)]!;
  }

  /** Row-major strides in elements (every tensor is contiguous). */
  stride(): number[] {
    return stridesOf(this.shape);
  }

  /** A copy of the values as a flat typed array of the tensor's dtype. A GPU tensor's values are read asynchronously: `await t.dataAsync()`. */
  get data(): TypedArray {
    return this.storage.slice();
  }

  /**
   * The single value of a one-element tensor, as a number: `const v: number = loss.item()`.
   * PyTorch's `Tensor.item()`. Difference: a bool tensor gives 1 or 0 (as TF.js's `arraySync()`
   * does), not true/false, so the result is always typed `number`; use `itemBool()` for a boolean.
   */
  item(): number {
    return this.single("item");
  }

  /**
   * The single value of a one-element tensor as a boolean: true unless it is 0 (NaN is true).
   * PyTorch's `bool(t)`, and `t.item()` on a bool tensor: `x.le(m).all().itemBool()`.
   */
  itemBool(): boolean {
    return this.single("itemBool") !== 0;
  }

  /** The one stored value; the error names the caller (item or itemBool). */
  private single(name: string): number {
    if (this.numel() !== 1) {
      throw new ValueError(
        `${name}: only one-element tensors convert to a number, but this one has shape ${fmt(this.shape)} (${this.numel()} elements). Reduce it first (x.sum(), x.max()) or use toArray().`,
      );
    }
    return this.storage[0]!;
  }

  /**
   * A copy of the values as a flat typed array of the tensor's dtype, read asynchronously: the
   * read that works on every backend (a GPU tensor's values arrive through a staging buffer; host
   * and wasm tensors resolve at once). `data` is its synchronous form for host-readable tensors.
   */
  async dataAsync(): Promise<TypedArray> {
    const d = this.deviceRef;
    if (d?.read) return d.read();
    return this.data;
  }

  /** As toArray(), read asynchronously (TF.js's `array()`): works on every backend, GPU included. */
  async array(): Promise<NestedArray> {
    return this.nested(await this.dataAsync());
  }

  /** As item(), read asynchronously: works on every backend, GPU included. */
  async itemAsync(): Promise<number> {
    if (this.numel() !== 1) return this.single("itemAsync");
    return (await this.dataAsync())[0]!;
  }

  /** Nested JS arrays in the tensor's shape; bool tensors give booleans. A 0-d tensor gives its value. GPU tensors: `await t.array()`. */
  toArray(): NestedArray {
    return this.nested(this.storage);
  }

  /** The values of `s` (this tensor's, row-major) nested in its shape. */
  private nested(s: TypedArray): NestedArray {
    const asBool = this.dtype === "bool";
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return asBool ? s[offset] !== 0 : s[offset]!;
      const n = this.shape[dim]!;
      const step = numelOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * step);
      return out;
    };
    return build(0, 0);
  }

  /** Printed as PyTorch prints: `tensor([[1.0000, 2.0000]], requires_grad=True)`. */
  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Throws unless `i` indexes dim `dim`; for ops that take positions. */
  checkIndex(op: string, dim: number, i: number): number {
    const n = this.shape[dim]!;
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new IndexError(`${op}: index ${i} is out of range for dim ${dim} of size ${n}; it must be in [${-n}, ${n - 1}].`);
    }
    return i < 0 ? i + n : i;
  }
}
