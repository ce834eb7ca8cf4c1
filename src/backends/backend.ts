// The backend contract: the few kernels every op is built from. Kernels take typed arrays and
// plain geometry, write into a preallocated `out`, and never allocate tensors or know autograd.
// Shapes arrive already checked by the op's shape rule.

import type { TypedArray } from "../tensor/dtype.js";

export type BackendName = "reference" | "wasm";

/** Elementwise maps. Values are read as JS numbers, computed in float64, and stored in out's type. */
export type UnaryOp =
  | "copy" | "neg" | "abs" | "sign" | "exp" | "expm1" | "log" | "log1p" | "sqrt" | "rsqrt" | "reciprocal" | "square"
  | "sin" | "cos" | "tanh" | "sigmoid" | "erf" | "floor" | "ceil" | "round" | "trunc"
  | "relu" | "logicalNot" | "isnan" | "isinf" | "isfinite"
  // parametric: a, b are the op's parameters
  | "leakyRelu"   // x > 0 ? x : a * x
  | "elu"         // x > 0 ? x : a * expm1(x)
  | "softplus"    // a*x > b ? x : log1p(exp(a*x)) / a   (a = beta, b = threshold)
  | "clamp"       // min(max(x, a), b), NaN kept
  | "powScalar"   // x ** a
  | "cast";       // dtype conversion into out (bool: x != 0)

/** Broadcasting binary ops; comparisons and logical ops write 0/1 into a bool (Uint8Array) out. */
export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "atan2" | "remainder" | "floorDivide"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "logicalXor";

/** Reductions over the middle axis of an [outer, size, inner] view. arg* write int32 positions. */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin" | "all" | "any";

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

export interface Backend {
  readonly name: BackendName;
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, a?: number, b?: number): void;
  binary(op: BinaryOp, a: TypedArray, aShape: readonly number[], b: TypedArray, bShape: readonly number[], out: TypedArray, outShape: readonly number[]): void;
  /** out = cond ? a : b, all three broadcast to outShape. */
  where(cond: Uint8Array, condShape: readonly number[], a: TypedArray, aShape: readonly number[], b: TypedArray, bShape: readonly number[], out: TypedArray, outShape: readonly number[]): void;
  reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void;
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, g: MatmulGeometry): void;
  copyStrided(x: TypedArray, out: TypedArray, g: CopyGeometry): void;
  /** out[o, j, i] = x[o, index[j], i] for x viewed [outer, size, inner]; indices already in range. */
  indexSelect(x: TypedArray, outer: number, size: number, inner: number, index: Int32Array, out: TypedArray): void;
  /** out[o, index[j], i] += src[o, j, i] for out viewed [outer, size, inner]. */
  indexAdd(out: TypedArray, outer: number, size: number, inner: number, index: Int32Array, src: TypedArray): void;
  /** torch.gather along `dim`: out[p] = x[p with p[dim] := index[p]], p over indexShape. */
  gather(x: TypedArray, xShape: readonly number[], dim: number, index: Int32Array, indexShape: readonly number[], out: TypedArray): void;
  /** torch.scatter_add_ along `dim`: out[p with p[dim] := index[p]] += src[p], p over indexShape. */
  scatterAdd(out: TypedArray, outShape: readonly number[], dim: number, index: Int32Array, indexShape: readonly number[], src: TypedArray, srcShape: readonly number[]): void;
}
