// The Tensor methods (x.add(y), x.sum(1), x.backward()...): one table, checked by the compiler
// against the TensorMethods interface, installed on Tensor.prototype by installTensorMethods().
// Every method forwards to the op function of the same name, so functions and methods agree.

import { type BackwardOptions, backward } from "../autograd/backward.js";
import type { DType } from "../tensor/dtype.js";
import { AutogradError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "./op.js";
import * as A from "./activation.js";
import * as B from "./binary.js";
import * as I from "./indexing.js";
import * as J from "./join.js";
import * as M from "./movement.js";
import * as R from "./reduce.js";
import * as Scan from "./scan.js";
import * as Sort from "./sort.js";
import * as U from "./unary.js";
import { matmul } from "./matmul.js";
import { maskedFill, where } from "./select.js";
import { logSoftmax, softmax } from "./softmax.js";
import { type PadMode, pad } from "./pad.js";
import { copy_, fill_, writeInPlace, zero_ } from "./inplace.js";

export interface TensorMethods {
  // arithmetic (broadcasting)
  add(other: TensorLike, alpha?: number): Tensor;
  sub(other: TensorLike, alpha?: number): Tensor;
  mul(other: TensorLike): Tensor;
  div(other: TensorLike): Tensor;
  pow(exponent: TensorLike): Tensor;
  maximum(other: TensorLike): Tensor;
  minimum(other: TensorLike): Tensor;
  remainder(other: TensorLike): Tensor;
  floorDivide(other: TensorLike): Tensor;
  atan2(other: TensorLike): Tensor;
  matmul(other: Tensor): Tensor;
  // elementwise functions
  neg(): Tensor; abs(): Tensor; sign(): Tensor; exp(): Tensor; expm1(): Tensor; log(): Tensor; log1p(): Tensor;
  sqrt(): Tensor; rsqrt(): Tensor; reciprocal(): Tensor; square(): Tensor; sin(): Tensor; cos(): Tensor; erf(): Tensor;
  floor(): Tensor; ceil(): Tensor; round(): Tensor; trunc(): Tensor;
  clamp(min?: number | null, max?: number | null): Tensor;
  // comparisons and logic (bool results)
  eq(other: TensorLike): Tensor; ne(other: TensorLike): Tensor; lt(other: TensorLike): Tensor;
  le(other: TensorLike): Tensor; gt(other: TensorLike): Tensor; ge(other: TensorLike): Tensor;
  logicalAnd(other: TensorLike): Tensor; logicalOr(other: TensorLike): Tensor; logicalXor(other: TensorLike): Tensor;
  logicalNot(): Tensor; isnan(): Tensor; isinf(): Tensor; isfinite(): Tensor;
  /** torch.Tensor.where: this where cond holds, other elsewhere. */
  where(cond: Tensor, other: TensorLike): Tensor;
  maskedFill(mask: Tensor, value: number): Tensor;
  // activations
  relu(): Tensor; sigmoid(): Tensor; tanh(): Tensor; silu(): Tensor;
  leakyRelu(negativeSlope?: number): Tensor;
  elu(alpha?: number): Tensor;
  gelu(approximate?: "none" | "tanh"): Tensor;
  softplus(beta?: number, threshold?: number): Tensor;
  softmax(dim: number): Tensor;
  logSoftmax(dim: number): Tensor;
  // reductions
  sum(dim?: R.Dims, keepdim?: boolean): Tensor;
  mean(dim?: R.Dims, keepdim?: boolean): Tensor;
  prod(dim?: number, keepdim?: boolean): Tensor;
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  amax(dim?: R.Dims, keepdim?: boolean): Tensor;
  amin(dim?: R.Dims, keepdim?: boolean): Tensor;
  argmax(dim?: number, keepdim?: boolean): Tensor;
  argmin(dim?: number, keepdim?: boolean): Tensor;
  var(dim?: R.Dims, opts?: R.VarOptions): Tensor;
  std(dim?: R.Dims, opts?: R.VarOptions): Tensor;
  logsumexp(dim?: R.Dims, keepdim?: boolean): Tensor;
  norm(p?: number | "fro", dim?: R.Dims, keepdim?: boolean): Tensor;
  all(dim?: R.Dims, keepdim?: boolean): Tensor;
  any(dim?: R.Dims, keepdim?: boolean): Tensor;
  sumToSize(shape: readonly number[]): Tensor;
  // running reductions and sorting
  cumsum(dim: number, opts?: Scan.CumOptions): Tensor;
  cumprod(dim: number, opts?: Scan.CumOptions): Tensor;
  sort(dim?: number | Sort.SortOptions, opts?: Sort.SortOptions): R.ValuesIndices;
  argsort(dim?: number | Sort.SortOptions, opts?: Sort.SortOptions): Tensor;
  topk(k: number, opts?: Sort.TopkOptions): R.ValuesIndices;
  // shape and layout
  reshape(shape: readonly number[]): Tensor;
  view(shape: readonly number[]): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  squeeze(dim?: number | number[]): Tensor;
  unsqueeze(dim: number): Tensor;
  permute(dims: readonly number[]): Tensor;
  transpose(dim0: number, dim1: number): Tensor;
  t(): Tensor;
  expand(shape: readonly number[]): Tensor;
  broadcastTo(shape: readonly number[]): Tensor;
  expandAs(other: Tensor): Tensor;
  narrow(dim: number, start: number, length: number): Tensor;
  slice(dim: number, start?: number, end?: number, step?: number): Tensor;
  select(dim: number, index: number): Tensor;
  flip(dims: number | number[]): Tensor;
  pad(amounts: readonly number[], mode?: PadMode, value?: number): Tensor;
  split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
  chunk(chunks: number, dim?: number): Tensor[];
  unbind(dim?: number): Tensor[];
  indexSelect(dim: number, index: Tensor): Tensor;
  indexAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  gather(dim: number, index: Tensor): Tensor;
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  contiguous(): Tensor;
  clone(): Tensor;
  detach(): Tensor;
  // dtype
  to(dtype: DType): Tensor;
  float(): Tensor; double(): Tensor; int(): Tensor; bool(): Tensor;
  // autograd
  /** Accumulate gradients of this tensor into the .grad of every leaf it depends on. */
  backward(gradient?: Tensor, opts?: BackwardOptions): void;
  /** Keep .grad on this non-leaf after backward. */
  retainGrad(): Tensor;
  /** Call fn with the gradient flowing into this tensor; a returned tensor replaces it. */
  registerHook(fn: (grad: Tensor) => Tensor | void): () => void;
  // in place
  add_(other: TensorLike, alpha?: number): Tensor;
  sub_(other: TensorLike, alpha?: number): Tensor;
  mul_(other: TensorLike): Tensor;
  div_(other: TensorLike): Tensor;
  clamp_(min?: number | null, max?: number | null): Tensor;
  copy_(src: Tensor): Tensor;
  fill_(value: number | boolean): Tensor;
  zero_(): Tensor;
}

declare module "../tensor/tensor.js" {
  interface Tensor extends TensorMethods {}
}

const methods: TensorMethods & ThisType<Tensor> = {
  add(o, alpha) { return B.add(this, o, alpha); },
  sub(o, alpha) { return B.sub(this, o, alpha); },
  mul(o) { return B.mul(this, o); },
  div(o) { return B.div(this, o); },
  pow(e) { return B.pow(this, e); },
  maximum(o) { return B.maximum(this, o); },
  minimum(o) { return B.minimum(this, o); },
  remainder(o) { return B.remainder(this, o); },
  floorDivide(o) { return B.floorDivide(this, o); },
  atan2(o) { return B.atan2(this, o); },
  matmul(o) { return matmul(this, o); },
  neg() { return U.neg(this); },
  abs() { return U.abs(this); },
  sign() { return U.sign(this); },
  exp() { return U.exp(this); },
  expm1() { return U.expm1(this); },
  log() { return U.log(this); },
  log1p() { return U.log1p(this); },
  sqrt() { return U.sqrt(this); },
  rsqrt() { return U.rsqrt(this); },
  reciprocal() { return U.reciprocal(this); },
  square() { return U.square(this); },
  sin() { return U.sin(this); },
  cos() { return U.cos(this); },
  erf() { return U.erf(this); },
  floor() { return U.floor(this); },
  ceil() { return U.ceil(this); },
  round() { return U.round(this); },
  trunc() { return U.trunc(this); },
  clamp(lo, hi) { return U.clamp(this, lo, hi); },
  eq(o) { return B.eq(this, o); },
  ne(o) { return B.ne(this, o); },
  lt(o) { return B.lt(this, o); },
  le(o) { return B.le(this, o); },
  gt(o) { return B.gt(this, o); },
  ge(o) { return B.ge(this, o); },
  logicalAnd(o) { return B.logicalAnd(this, o); },
  logicalOr(o) { return B.logicalOr(this, o); },
  logicalXor(o) { return B.logicalXor(this, o); },
  logicalNot() { return U.logicalNot(this); },
  isnan() { return U.isnan(this); },
  isinf() { return U.isinf(this); },
  isfinite() { return U.isfinite(this); },
  where(cond, other) { return where(cond, this, other); },
  maskedFill(mask, value) { return maskedFill(this, mask, value); },
  relu() { return A.relu(this); },
  sigmoid() { return A.sigmoid(this); },
  tanh() { return A.tanh(this); },
  silu() { return A.silu(this); },
  leakyRelu(s) { return A.leakyRelu(this, s); },
  elu(a) { return A.elu(this, a); },
  gelu(a) { return A.gelu(this, a); },
  softplus(b, th) { return A.softplus(this, b, th); },
  softmax(d) { return softmax(this, d); },
  logSoftmax(d) { return logSoftmax(this, d); },
  sum(d, k) { return R.sum(this, d, k); },
  mean(d, k) { return R.mean(this, d, k); },
  prod(d, k) { return R.prod(this, d, k); },
  max: function (this: Tensor, d?: number, k?: boolean) { return d === undefined ? R.max(this) : R.max(this, d, k); } as TensorMethods["max"],
  min: function (this: Tensor, d?: number, k?: boolean) { return d === undefined ? R.min(this) : R.min(this, d, k); } as TensorMethods["min"],
  amax(d, k) { return R.amax(this, d, k); },
  amin(d, k) { return R.amin(this, d, k); },
  argmax(d, k) { return R.argmax(this, d, k); },
  argmin(d, k) { return R.argmin(this, d, k); },
  var(d, o) { return R.variance(this, d, o); },
  std(d, o) { return R.std(this, d, o); },
  logsumexp(d, k) { return R.logsumexp(this, d, k); },
  norm(p, d, k) { return R.norm(this, p, d, k); },
  all(d, k) { return R.all(this, d, k); },
  any(d, k) { return R.any(this, d, k); },
  sumToSize(s) { return R.sumToSize(this, s); },
  cumsum(d, o) { return Scan.cumsum(this, d, o); },
  cumprod(d, o) { return Scan.cumprod(this, d, o); },
  sort(d, o) { return Sort.sort(this, d, o); },
  argsort(d, o) { return Sort.argsort(this, d, o); },
  topk(k, o) { return Sort.topk(this, k, o); },
  reshape(s) { return M.reshape(this, s); },
  view(s) { return M.view(this, s); },
  flatten(a, b) { return M.flatten(this, a, b); },
  squeeze(d) { return M.squeeze(this, d); },
  unsqueeze(d) { return M.unsqueeze(this, d); },
  permute(d) { return M.permute(this, d); },
  transpose(a, b) { return M.transpose(this, a, b); },
  t() { return M.t(this); },
  expand(s) { return M.expand(this, s); },
  broadcastTo(s) { return M.broadcastTo(this, s); },
  expandAs(o) { return M.expand(this, o.shape); },
  narrow(d, s, l) { return M.narrow(this, d, s, l); },
  slice(d, s, e, st) { return M.slice(this, d, s, e, st); },
  select(d, i) { return M.select(this, d, i); },
  flip(d) { return M.flip(this, d); },
  pad(a, m, v) { return pad(this, a, m, v); },
  split(s, d) { return J.split(this, s, d); },
  chunk(c, d) { return J.chunk(this, c, d); },
  unbind(d) { return J.unbind(this, d); },
  indexSelect(d, i) { return I.indexSelect(this, d, i); },
  indexAdd(d, i, s) { return I.indexAdd(this, d, i, s); },
  gather(d, i) { return I.gather(this, d, i); },
  scatterAdd(d, i, s) { return I.scatterAdd(this, d, i, s); },
  contiguous() { return M.contiguous(this); },
  clone() { return M.clone(this); },
  detach() { return M.detach(this); },
  to(d) { return M.to(this, d); },
  float() { return M.to(this, "float32"); },
  double() { return M.to(this, "float64"); },
  int() { return M.to(this, "int32"); },
  bool() { return M.to(this, "bool"); },
  backward(g, o) { backward(this, g, o); },
  retainGrad() {
    if (!this.isLeaf) this.retainsGrad = true;
    return this;
  },
  registerHook(fn) {
    if (!this.requiresGrad) throw new AutogradError(`registerHook: cannot register a hook on a tensor that doesn't require gradient (shape ${fmt(this.shape)}, ${this.dtype}). Set requiresGrad first.`);
    this.hooks.push(fn);
    return () => {
      this.hooks = this.hooks.filter((h) => h !== fn);
    };
  },
  add_(o, alpha) { return writeInPlace("add_", this, [o], () => B.add(this, o, alpha)); },
  sub_(o, alpha) { return writeInPlace("sub_", this, [o], () => B.sub(this, o, alpha)); },
  mul_(o) { return writeInPlace("mul_", this, [o], () => B.mul(this, o)); },
  div_(o) { return writeInPlace("div_", this, [o], () => B.div(this, o)); },
  clamp_(lo, hi) { return writeInPlace("clamp_", this, [], () => U.clamp(this, lo, hi)); },
  copy_(src) { return copy_(this, src); },
  fill_(v) { return fill_(this, v); },
  zero_() { return zero_(this); },
};

let installed = false;

/** Attach the methods to Tensor.prototype (once). Called by the package entry point. */
export function installTensorMethods(): void {
  if (installed) return;
  installed = true;
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}

installTensorMethods();
