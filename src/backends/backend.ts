// The backend contract: the few kernels every op is built from. Kernels take operands (a host
// typed array or a backend's device storage) and plain geometry, write into a preallocated `out`,
// and never allocate tensors or know autograd. Shapes arrive already checked by the op's shape
// rule. Host backends (reference, wasm) are written against typed arrays (HostBackend) and reach
// ops through hostKernels (./host.ts), which hands them a device storage's host view.

import type { DType, TypedArray } from "../tensor/dtype.js";
import type { DeviceStorage } from "../tensor/storage.js";

/** The kernel backends: "wasm" (SIMD WebAssembly, the default where available), "reference" (plain TypeScript, the specification) and "webgpu" (GPU compute shaders, after `await tl.initWebGpu()`). PyTorch's nearest notion is the device. */
export type BackendName = "reference" | "wasm" | "webgpu";

/** Elementwise maps. Values are read as JS numbers, computed in float64, and stored in out's type. */
export type UnaryOp =
  | "copy"
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "square"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "erf"
  | "floor"
  | "ceil"
  | "round"
  | "trunc"
  | "relu"
  | "logicalNot"
  | "isnan"
  | "isinf"
  | "isfinite"
  // parametric: a, b are the op's parameters
  | "leakyRelu" // x > 0 ? x : a * x
  | "elu" // x > 0 ? x : a * expm1(x)
  | "softplus" // a*x > b ? x : log1p(exp(a*x)) / a   (a = beta, b = threshold)
  | "clamp" // min(max(x, a), b), NaN kept
  | "powScalar" // x ** a
  | "cast"; // dtype conversion into out (bool: x != 0)

/** Broadcasting binary ops; comparisons and logical ops write 0/1 into a bool (Uint8Array) out. */
export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "maximum"
  | "minimum"
  | "atan2"
  | "remainder"
  | "floorDivide"
  | "reluGrad" // y <= 0 ? 0 : x: relu's backward from the gradient x and the output y (PyTorch's threshold_backward)
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logicalAnd"
  | "logicalOr"
  | "logicalXor";

/** Reductions over the middle axis of an [outer, size, inner] view. arg* write int32 positions. */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin" | "all" | "any";

/** Running reductions along the middle axis of an [outer, size, inner] view (cumsum, cumprod). */
export type ScanOp = "sum" | "prod";

/** C[b] = op(A[b]) @ op(B[b]) for b < batch, A: m x k, B: k x n, C: m x n (row-major). */
export interface MatmulGeometry {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** Element stride between batch items; 0 broadcasts one matrix over the batch. */
  aBatchStride: number;
  bBatchStride: number;
  /** Read A as its transpose (A stored k x m) / B as its transpose (B stored n x k). */
  transA: boolean;
  transB: boolean;
}

/** Strided copy: out[dstOffset + sum(i_d * dstStrides[d])] = x[srcOffset + sum(i_d * srcStrides[d])] over `shape`. */
export interface CopyGeometry {
  shape: readonly number[];
  srcOffset: number;
  srcStrides: readonly number[];
  dstOffset: number;
  dstStrides: readonly number[];
}

/**
 * An N-d (1 to 3 spatial dims) convolution seen from its two sides: the "image" [N, C, ...imgSize]
 * (a conv's input, a transposed conv's output) and the "columns" [N, C * prod(kernel), prod(colSize)]
 * (one column per output position of the conv). Padding is symmetric per dim. The two sizes need
 * not match the conv's size formula: colSize may be smaller (a transposed conv's backward wants
 * as many outputs as its input had), and a transposed conv's image larger by outputPadding
 * (positions no column reaches are 0).
 */
export interface ConvGeometry {
  batch: number;
  channels: number;
  imgSize: readonly number[];
  kernel: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  colSize: readonly number[];
}

/**
 * Pooling windows over [planes, ...inSize] (planes = N * C). For each spatial dim d and output
 * position o, the window covers start[d][o] + j * dilation[d] for j < count[d][o]; positions
 * outside [0, inSize[d]) are padding and are skipped.
 */
export interface PoolGeometry {
  planes: number;
  inSize: readonly number[];
  outSize: readonly number[];
  start: readonly Int32Array[];
  count: readonly Int32Array[];
  dilation: readonly number[];
}

/** A backend written against host typed arrays (reference, wasm): the kernel signatures below. */
export interface HostBackend {
  readonly name: BackendName;
  /**
   * Storage for an op's output of `n` elements in the backend's own memory, so the next kernel
   * finds it there (tensor/storage.ts); null leaves it to a host typed array (dtypes or sizes the
   * backend does not keep, or its memory budget spent). Absent: always host. Zero-filled unless
   * `zero` is false: then the caller guarantees that a kernel writes every element before
   * anything reads one (an overwriting kernel, never an accumulating one such as scatterAdd,
   * indexAdd or avgPoolBackward), and the contents until then are unspecified (a backend may skip
   * the fill; in the poison debug mode, tensor/storagePool.ts, they are NaN or another poison).
   */
  allocate?(dtype: DType, n: number, zero?: boolean): DeviceStorage | null;
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, a?: number, b?: number): void;
  binary(
    op: BinaryOp,
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    out: TypedArray,
    outShape: readonly number[],
  ): void;
  /** out = cond ? a : b, all three broadcast to outShape. */
  where(
    cond: Uint8Array,
    condShape: readonly number[],
    a: TypedArray,
    aShape: readonly number[],
    b: TypedArray,
    bShape: readonly number[],
    out: TypedArray,
    outShape: readonly number[],
  ): void;
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  /**
   * out = op(A) @ op(B) per batch item; with `bias` ([n]) out = op(A) @ op(B) + bias on every row
   * (torch.addmm with a 1-D input): the product rounded as without it, then the bias added.
   */
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, g: MatmulGeometry, bias?: TypedArray | null): void;
  copyStrided(x: TypedArray, out: TypedArray, g: CopyGeometry): void;
  /** out[o, j, i] = x[o, index[j], i] for x viewed [outer, size, inner]; indices already in range. */
  indexSelect(x: TypedArray, outer: number, size: number, inner: number, index: Int32Array, out: TypedArray): void;
  /** out[o, index[j], i] += src[o, j, i] for out viewed [outer, size, inner]. */
  indexAdd(out: TypedArray, outer: number, size: number, inner: number, index: Int32Array, src: TypedArray): void;
  /** torch.gather along `dim`: out[p] = x[p with p[dim] := index[p]], p over indexShape. */
  gather(x: TypedArray, xShape: readonly number[], dim: number, index: Int32Array, indexShape: readonly number[], out: TypedArray): void;
  /** torch.scatter_add_ along `dim`: out[p with p[dim] := index[p]] += src[p], p over indexShape. */
  scatterAdd(
    out: TypedArray,
    outShape: readonly number[],
    dim: number,
    index: Int32Array,
    indexShape: readonly number[],
    src: TypedArray,
    srcShape: readonly number[],
  ): void;
  /**
   * Running sum or product along the middle axis of an [outer, size, inner] view, from the first
   * position to the last (from the last to the first when `reverse`). Float results accumulate in
   * float64 and are rounded once per output (PyTorch's CPU kernels do the same); int32 ones wrap.
   */
  scan(op: ScanOp, x: TypedArray, outer: number, size: number, inner: number, reverse: boolean, out: TypedArray): void;
  /**
   * Stable sort of each line along the middle axis of an [outer, size, inner] view, ascending or
   * descending, NaN above everything: the first k of each sorted line go to values and their
   * positions in the line to indices (both [outer, k, inner]). Equal values keep their order.
   */
  sort(
    x: TypedArray,
    outer: number,
    size: number,
    inner: number,
    k: number,
    descending: boolean,
    values: TypedArray,
    indices: Int32Array,
  ): void;
  /**
   * log(softmax) over the middle axis of an [outer, size, inner] view: x - m - log(sum exp(x - m))
   * with m the line's max (0 when it is infinite, as torch.logsumexp), so +inf gives NaN there
   * and -inf elsewhere, and an all -inf line gives NaN, as PyTorch.
   */
  logSoftmax(x: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void;
  /**
   * Convolution by per-sample im2col + one GEMM per group. The geometry's image side is x
   * [N, C, ...imgSize], its column side [N, O, ...colSize]; w is [O, C / groups * prod(kernel)];
   * convForward adds bias[o] (when given) to output channel o.
   */
  convForward(
    x: TypedArray,
    w: TypedArray,
    bias: TypedArray | null,
    out: TypedArray,
    g: ConvGeometry,
    groups: number,
    outChannels: number,
  ): void;
  /** img[n] = col2im(W^T @ dy[n]) per group: a conv's input gradient, a transposed conv's forward. img is overwritten. */
  convBackwardInput(dy: TypedArray, w: TypedArray, img: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void;
  /** dw = sum_n dy[n] @ im2col(x[n])^T per group: a conv's weight gradient. dw is overwritten. */
  convBackwardWeight(x: TypedArray, dy: TypedArray, dw: TypedArray, g: ConvGeometry, groups: number, outChannels: number): void;
  /** convBackwardInput and convBackwardWeight of one conv in one pass (dx, dw overwritten). */
  convBackward(
    x: TypedArray,
    w: TypedArray,
    dy: TypedArray,
    dx: TypedArray,
    dw: TypedArray,
    g: ConvGeometry,
    groups: number,
    outChannels: number,
  ): void;
  /** The geometry's columns [N, C * prod(kernel), prod(colSize)] from img, zeros over padding (F.unfold). */
  im2col(img: TypedArray, cols: TypedArray, g: ConvGeometry): void;
  /** Its adjoint: img (overwritten) = each column entry summed into its image position (F.fold). */
  col2im(cols: TypedArray, img: TypedArray, g: ConvGeometry): void;
  /** Max over each window; `indices` gets the flat spatial position of the max (NaN wins, first on ties). */
  maxPool(x: TypedArray, out: TypedArray, indices: Int32Array, g: PoolGeometry): void;
  /** Sum over each window divided by divisor[o] (one per output position). */
  avgPool(x: TypedArray, out: TypedArray, divisor: Float64Array, g: PoolGeometry): void;
  /** The adjoint of avgPool: dx (pre-zeroed) gets dy[o] / divisor[o] at every position of window o. */
  avgPoolBackward(dy: TypedArray, dx: TypedArray, divisor: Float64Array, g: PoolGeometry): void;

  // Fused recurrent cells (ops/recurrent.ts). Gate pre-activations are [B, G*H] row-major with
  // PyTorch's gate order; every other operand is [B, H]. Outputs are fully written.
  /** LSTM: c1 = sig(f) c + sig(i) tanh(g); h1 = sig(o) tanh(c1). */
  lstmCell(gates: TypedArray, c: TypedArray, c1: TypedArray, h1: TypedArray, B: number, H: number): void;
  /**
   * Gradient of lstmCell given dh1 and dc1 (the gradients reaching h1 and c1): dgates [B, 4H] and
   * dc. c1 is lstmCell's output (tanh(c1) is recomputed from it).
   */
  lstmCellBackward(
    gates: TypedArray,
    c: TypedArray,
    c1: TypedArray,
    dh1: TypedArray,
    dc1: TypedArray,
    dgates: TypedArray,
    dc: TypedArray,
    B: number,
    H: number,
  ): void;
  /**
   * GRU from xg = x W_ih^T + b_ih and hg = h W_hh^T + b_hh ([B, 3H], gates r, z, n):
   * r, z = sig(xg + hg), n = tanh(xg_n + r hg_n), h1 = n + z (h - n).
   */
  gruCell(xg: TypedArray, hg: TypedArray, h: TypedArray, h1: TypedArray, B: number, H: number): void;
  /** Gradient of gruCell: dxg, dhg ([B, 3H]) and dh. */
  gruCellBackward(
    xg: TypedArray,
    hg: TypedArray,
    h: TypedArray,
    dh1: TypedArray,
    dxg: TypedArray,
    dhg: TypedArray,
    dh: TypedArray,
    B: number,
    H: number,
  ): void;

  // Whole layers over a sequence (ops/recurrent.ts): steps t = 0..T-1, or T-1..0 when `reverse`.
  /**
   * LSTM: xg [T, B, 4H] (input projection plus both biases), h0, c0 [B, H], w = W_hh [4H, H].
   * Writes out [2, T, B, H] (h, then c, of every step in time order) and gates [T, B, 4H] (step order, for the backward).
   */
  lstmSequence(
    xg: TypedArray,
    h0: TypedArray,
    c0: TypedArray,
    w: TypedArray,
    out: TypedArray,
    gates: TypedArray,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
  ): void;
  /** Its backward from gOut [2, T, B, H]: dxg [T, B, 4H], dh0, dc0 [B, H], dw [4H, H]. */
  lstmSequenceBackward(
    w: TypedArray,
    gates: TypedArray,
    out: TypedArray,
    h0: TypedArray,
    c0: TypedArray,
    gOut: TypedArray,
    dxg: TypedArray,
    dh0: TypedArray,
    dc0: TypedArray,
    dw: TypedArray,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
  ): void;
  /** GRU: xg [T, B, 3H] (with b_ih), h0 [B, H], w = W_hh [3H, H], b = b_hh or null. Writes out [T, B, H] and hg [T, B, 3H] (step order). */
  gruSequence(
    xg: TypedArray,
    h0: TypedArray,
    w: TypedArray,
    b: TypedArray | null,
    out: TypedArray,
    hg: TypedArray,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
  ): void;
  /** Its backward from gOut [T, B, H]: dxg [T, B, 3H], dh0, dw [3H, H], db [3H] (when b was given). */
  gruSequenceBackward(
    xg: TypedArray,
    w: TypedArray,
    hg: TypedArray,
    out: TypedArray,
    h0: TypedArray,
    gOut: TypedArray,
    dxg: TypedArray,
    dh0: TypedArray,
    dw: TypedArray,
    db: TypedArray | null,
    T: number,
    B: number,
    H: number,
    reverse: boolean,
  ): void;
  /**
   * One optimizer update of a parameter, in place: p, and the state s0 (SGD's momentum buffer;
   * Adam's m), s1 (Adam's v), s2 (Adam's vmax with amsgrad); null where the rule has none. Every
   * intermediate is rounded to p's dtype where the tensor-op chain of src/optim rounds it.
   */
  optimStep(h: OptimStep, p: TypedArray, grad: TypedArray, s0: TypedArray | null, s1: TypedArray | null, s2: TypedArray | null): void;
}

/**
 * One optimizer update (the optimStep kernel), torch.optim's single-tensor rules:
 * - "sgd": g = grad + weightDecay p; buf = first ? g : momentum buf + (1 - dampening) g (when
 *   momentum != 0); g = nesterov ? g + momentum buf : buf; p -= lr g.
 * - "adam": (decoupled: p *= 1 - lr weightDecay; else g = grad + weightDecay p);
 *   m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; (amsgrad: vmax = max(vmax, v));
 *   p -= lr / (1 - b1^step) * m / (sqrt(v or vmax) / sqrt(1 - b2^step) + eps).
 */
export type OptimStep =
  | { rule: "sgd"; lr: number; weightDecay: number; momentum: number; dampening: number; nesterov: boolean; first: boolean }
  | {
      rule: "adam";
      lr: number;
      weightDecay: number;
      beta1: number;
      beta2: number;
      eps: number;
      step: number;
      decoupled: boolean;
      amsgrad: boolean;
    };

/** A host backend's kernels by name: everything but its name and allocator. A backend lists every one (a kernel it does not accelerate is the reference kernel), so the compiler checks the table is complete. */
export type KernelTable = Omit<HostBackend, "name" | "allocate">;

/** A kernel operand: a host typed array, or a tensor's storage in a backend's memory (a wasm block, a GPU buffer). */
export type Operand = TypedArray | DeviceStorage;

/** A host kernel's parameter as the op boundary sees it: every typed array may be an Operand. */
type OperandParam<P> = P extends TypedArray ? Operand : P;

/** A host kernel signature with its typed-array parameters widened to Operand. */
export type OperandKernel<F> = F extends (...args: infer A) => infer R ? (...args: { [I in keyof A]: OperandParam<A[I]> }) => R : F;

/** The kernels ops call (`kernels()`): HostBackend's signatures over operands, so one op serves host and device storage. */
export type Backend = { readonly [K in keyof KernelTable]: OperandKernel<KernelTable[K]> } & {
  readonly name: BackendName;
  /** As HostBackend.allocate: an output in the backend's own memory, or null for a host array; `zero` false: see there. */
  allocate?(dtype: DType, n: number, zero?: boolean): DeviceStorage | null;
  /**
   * Range-check int32 indices in the backend's memory that the host cannot read synchronously (a
   * GPU's): every value must lie in [0, size) or equal `skip`. The first one that does not makes
   * the next read throw `fail(value, position)`. Host indices are checked by the ops themselves
   * (ops/indexing.ts checkIndexValues, the one caller).
   */
  checkIndices?(index: DeviceStorage, size: number, skip: number | null, fail: (value: number, position: number) => Error): void;
};
