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
import { unflatten } from "./shuffle.js";
import { copy_, fill_, writeInPlace, zero_ } from "./inplace.js";

/**
 * The methods of every Tensor (`x.add(y)`, `x.sum(1)`, `x.backward()`), as torch.Tensor's. Each
 * forwards to the op function of the same name (`x.add(y)` is `tl.add(x, y)`); differences from
 * PyTorch that hold throughout: names are camelCase (`logSoftmax`, `maskedFill`, `indexSelect`),
 * keyword arguments are positional or an options object, and int32 stands in for int64 (indices,
 * integer results).
 */
export interface TensorMethods {
  // arithmetic (broadcasting)
  /** this + alpha * other, broadcasting, as torch.Tensor.add (alpha default 1). */
  add(other: TensorLike, alpha?: number): Tensor;
  /** this - alpha * other, broadcasting, as torch.Tensor.sub (alpha default 1). */
  sub(other: TensorLike, alpha?: number): Tensor;
  /** Elementwise product, broadcasting, as torch.Tensor.mul. */
  mul(other: TensorLike): Tensor;
  /** True division (integers give float), broadcasting, as torch.Tensor.div without rounding_mode. */
  div(other: TensorLike): Tensor;
  /** this ** exponent elementwise, as torch.Tensor.pow. */
  pow(exponent: TensorLike): Tensor;
  /** Elementwise larger value (NaN propagates), as torch.maximum. */
  maximum(other: TensorLike): Tensor;
  /** Elementwise smaller value (NaN propagates), as torch.minimum. */
  minimum(other: TensorLike): Tensor;
  /** Python-style remainder (sign of the divisor), as torch.remainder. */
  remainder(other: TensorLike): Tensor;
  /** floor(this / other), as torch.floor_divide (not differentiable). */
  floorDivide(other: TensorLike): Tensor;
  /** atan2(this, other) elementwise, the angle of (other, this), as torch.atan2. */
  atan2(other: TensorLike): Tensor;
  /** Matrix product with batching and broadcasting (1-D operands as vectors), as torch.matmul / `@`. */
  matmul(other: Tensor): Tensor;
  // elementwise functions
  /** -this, as torch.neg. */
  neg(): Tensor;
  /** |this|, as torch.abs. */
  abs(): Tensor;
  /** -1, 0 or 1 by the sign of each element, as torch.sign. */
  sign(): Tensor;
  /** e^this, as torch.exp. */
  exp(): Tensor;
  /** e^this - 1, accurate near 0, as torch.expm1. */
  expm1(): Tensor;
  /** Natural logarithm, as torch.log. */
  log(): Tensor;
  /** log(1 + this), accurate near 0, as torch.log1p. */
  log1p(): Tensor;
  /** Square root, as torch.sqrt. */
  sqrt(): Tensor;
  /** 1 / sqrt(this), as torch.rsqrt. */
  rsqrt(): Tensor;
  /** 1 / this, as torch.reciprocal. */
  reciprocal(): Tensor;
  /** this * this, as torch.square. */
  square(): Tensor;
  /** Sine, as torch.sin. */
  sin(): Tensor;
  /** Cosine, as torch.cos. */
  cos(): Tensor;
  /** The Gauss error function, as torch.erf. */
  erf(): Tensor;
  /** Round down, as torch.floor. */
  floor(): Tensor;
  /** Round up, as torch.ceil. */
  ceil(): Tensor;
  /** Round to nearest, halves to even, as torch.round (no `decimals`). */
  round(): Tensor;
  /** Round toward zero, as torch.trunc. */
  trunc(): Tensor;
  /** Limit to [min, max] (null or omitted: no bound on that side), as torch.clamp. */
  clamp(min?: number | null, max?: number | null): Tensor;
  // comparisons and logic (bool results)
  /** this == other elementwise (bool), as torch.eq. */
  eq(other: TensorLike): Tensor;
  /** this != other elementwise (bool), as torch.ne. */
  ne(other: TensorLike): Tensor;
  /** this < other elementwise (bool), as torch.lt. */
  lt(other: TensorLike): Tensor;
  /** this <= other elementwise (bool), as torch.le. */
  le(other: TensorLike): Tensor;
  /** this > other elementwise (bool), as torch.gt. */
  gt(other: TensorLike): Tensor;
  /** this >= other elementwise (bool), as torch.ge. */
  ge(other: TensorLike): Tensor;
  /** Elementwise AND of truthiness (bool), as torch.logical_and. */
  logicalAnd(other: TensorLike): Tensor;
  /** Elementwise OR of truthiness (bool), as torch.logical_or. */
  logicalOr(other: TensorLike): Tensor;
  /** Elementwise XOR of truthiness (bool), as torch.logical_xor. */
  logicalXor(other: TensorLike): Tensor;
  /** Elementwise NOT of truthiness (bool), as torch.logical_not. */
  logicalNot(): Tensor;
  /** True where NaN, as torch.isnan. */
  isnan(): Tensor;
  /** True where +-Infinity, as torch.isinf. */
  isinf(): Tensor;
  /** True where neither NaN nor infinite, as torch.isfinite. */
  isfinite(): Tensor;
  /** torch.Tensor.where: this where cond holds, other elsewhere. */
  where(cond: Tensor, other: TensorLike): Tensor;
  /** This with `value` where the bool mask is true, as torch.Tensor.masked_fill. */
  maskedFill(mask: Tensor, value: number): Tensor;
  // activations
  /** max(this, 0), as torch.relu. */
  relu(): Tensor;
  /** 1 / (1 + e^-this), as torch.sigmoid. */
  sigmoid(): Tensor;
  /** Hyperbolic tangent, as torch.tanh. */
  tanh(): Tensor;
  /** this * sigmoid(this) (swish), as torch.nn.functional.silu; floats only. */
  silu(): Tensor;
  /** this where positive, negativeSlope * this elsewhere (default 0.01), as F.leaky_relu. */
  leakyRelu(negativeSlope?: number): Tensor;
  /** this where positive, alpha * (e^this - 1) elsewhere (default 1), as F.elu. */
  elu(alpha?: number): Tensor;
  /** Gaussian error linear unit, exact ("none", default) or the "tanh" approximation, as F.gelu. */
  gelu(approximate?: "none" | "tanh"): Tensor;
  /** log(1 + e^(beta * this)) / beta, linear above `threshold` (defaults 1, 20), as F.softplus. */
  softplus(beta?: number, threshold?: number): Tensor;
  /** this where positive, weight * this elsewhere (one slope, or one per channel of dim 1), as torch.Tensor.prelu. */
  prelu(weight: Tensor): Tensor;
  /** Softmax along dim (required, as PyTorch now asks), as torch.softmax; floats only. */
  softmax(dim: number): Tensor;
  /** log(softmax) along dim, computed stably, as torch.log_softmax. */
  logSoftmax(dim: number): Tensor;
  // reductions
  /** Sum over dim(s) or everything (`[]` too), as torch.sum; bool and int sum to int32 (PyTorch: int64). */
  sum(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** Mean over dim(s) or everything, as torch.mean; floats only, as PyTorch. */
  mean(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** Product over one dim or everything, as torch.prod (gradient exact with zeros). */
  prod(dim?: number, keepdim?: boolean): Tensor;
  /** The largest element (0-d), as torch.max(x); NaN if any element is NaN. */
  max(): Tensor;
  /** The largest values along dim and their positions (int32), as torch.max(x, dim) (a named tuple there, `{ values, indices }` here). */
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  /** The smallest element (0-d), as torch.min(x); NaN if any element is NaN. */
  min(): Tensor;
  /** The smallest values along dim and their positions (int32), as torch.min(x, dim) (`{ values, indices }`). */
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  /** Largest values over dim(s) or everything, as torch.amax (gradient shared evenly among ties). */
  amax(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** Smallest values over dim(s) or everything, as torch.amin (gradient shared evenly among ties). */
  amin(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** Position of the first maximum along dim, or in the flattened tensor (int32, PyTorch int64), as torch.argmax. */
  argmax(dim?: number, keepdim?: boolean): Tensor;
  /** Position of the first minimum along dim, or in the flattened tensor (int32, PyTorch int64), as torch.argmin. */
  argmin(dim?: number, keepdim?: boolean): Tensor;
  /** Variance over dim(s) (default correction 1), as torch.var; `{ correction, unbiased, keepdim }` replace keywords. */
  var(dim?: R.Dims, opts?: R.VarOptions): Tensor;
  /** Standard deviation over dim(s) (default correction 1), as torch.std; options as var. */
  std(dim?: R.Dims, opts?: R.VarOptions): Tensor;
  /** log(sum(exp(this))) over dim(s), computed stably, as torch.logsumexp. */
  logsumexp(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** p-norm (default 2, "fro", Infinity) over dim(s) or everything, as torch.norm; gradient 0 at 0. */
  norm(p?: number | "fro", dim?: R.Dims, keepdim?: boolean): Tensor;
  /** True where every element over dim(s) is nonzero (bool), as torch.all. */
  all(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** True where some element over dim(s) is nonzero (bool), as torch.any. */
  any(dim?: R.Dims, keepdim?: boolean): Tensor;
  /** Sum down to `shape` (the reverse of broadcasting), as torch.Tensor.sum_to_size. */
  sumToSize(shape: readonly number[]): Tensor;
  // running reductions and sorting
  /** Running sum along dim, as torch.cumsum (`{ dtype }` as its keyword). */
  cumsum(dim: number, opts?: Scan.CumOptions): Tensor;
  /** Running product along dim, as torch.cumprod (`{ dtype }` as its keyword; gradient exact with zeros). */
  cumprod(dim: number, opts?: Scan.CumOptions): Tensor;
  /** Stable sort along dim (default -1; NaN sorts above every number), `{ values, indices }` (int32), as torch.sort(stable=True). */
  sort(dim?: number | Sort.SortOptions, opts?: Sort.SortOptions): R.ValuesIndices;
  /** The positions that sort along dim (int32), stable, as torch.argsort(stable=True). */
  argsort(dim?: number | Sort.SortOptions, opts?: Sort.SortOptions): Tensor;
  /** The k largest (or `{ largest: false }` smallest) along dim, sorted, `{ values, indices }`, as torch.topk. */
  topk(k: number, opts?: Sort.TopkOptions): R.ValuesIndices;
  // shape and layout
  /** The same elements in a new shape (one size may be -1), as torch.reshape; shares storage. */
  reshape(shape: readonly number[]): Tensor;
  /** As reshape (every tensor here is contiguous, so view always succeeds), as torch.Tensor.view. */
  view(shape: readonly number[]): Tensor;
  /** Merge dims startDim..endDim (defaults 0, -1) into one, as torch.flatten. */
  flatten(startDim?: number, endDim?: number): Tensor;
  /** Split dim into `sizes` (one may be -1, inferred), as torch.Tensor.unflatten. */
  unflatten(dim: number, sizes: readonly number[]): Tensor;
  /** Remove size-1 dims (all, or the given ones), as torch.squeeze. */
  squeeze(dim?: number | number[]): Tensor;
  /** Insert a size-1 dim at dim, as torch.unsqueeze. */
  unsqueeze(dim: number): Tensor;
  /** Reorder dims (a copy: tensors are contiguous here), as torch.permute. */
  permute(dims: readonly number[]): Tensor;
  /** Swap two dims (a copy), as torch.transpose. */
  transpose(dim0: number, dim1: number): Tensor;
  /** Transpose of a tensor of at most 2 dims, as torch.Tensor.t. */
  t(): Tensor;
  /** Broadcast to `shape` (-1 keeps a size), as torch.Tensor.expand (materialised here, not a stride-0 view). */
  expand(shape: readonly number[]): Tensor;
  /** Broadcast to `shape`, as torch.broadcast_to. */
  broadcastTo(shape: readonly number[]): Tensor;
  /** Broadcast to other's shape, as torch.Tensor.expand_as. */
  expandAs(other: Tensor): Tensor;
  /** `length` elements from `start` along dim, as torch.narrow. */
  narrow(dim: number, start: number, length: number): Tensor;
  /** Elements start, start+step, ... before end along dim, as Python's `x[..., start:end:step]` (negative start/end count from the end). */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor;
  /** The sub-tensor at `index` along dim, that dim removed, as torch.select / `x[..., index]`. */
  select(dim: number, index: number): Tensor;
  /** Reverse the order along the given dims, as torch.flip. */
  flip(dims: number | number[]): Tensor;
  /** Pad the last dims (amounts as [lastBefore, lastAfter, prevBefore, ...]), as F.pad; mode "constant" (default), "reflect", "replicate" or "circular". */
  pad(amounts: readonly number[], mode?: PadMode, value?: number): Tensor;
  /** Pieces of `size` (or the listed sizes) along dim (default 0), as torch.split. */
  split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
  /** `chunks` pieces of ceil(n / chunks) along dim (fewer if n is small), as torch.chunk. */
  chunk(chunks: number, dim?: number): Tensor[];
  /** The slices along dim (default 0), as torch.unbind. */
  unbind(dim?: number): Tensor[];
  /** The slices at the int32 `index` positions along dim, as torch.index_select (PyTorch takes int64). */
  indexSelect(dim: number, index: Tensor): Tensor;
  /** This with src's slices added at the `index` positions along dim (out of place), as torch.Tensor.index_add. */
  indexAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  /** out[i][j] = this[index[i][j]][j] (for dim 0; likewise others), int32 index, as torch.gather. */
  gather(dim: number, index: Tensor): Tensor;
  /** This with src added at the `index` positions along dim (out of place), as torch.Tensor.scatter_add. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  /** This tensor itself: every tensor is contiguous already, as torch.Tensor.contiguous on contiguous input. */
  contiguous(): Tensor;
  /** A copy with its own storage; gradients flow through, as torch.clone. */
  clone(): Tensor;
  /** Same storage, outside the graph (requiresGrad false), as torch.Tensor.detach. */
  detach(): Tensor;
  // dtype
  /** Convert to dtype (a copy unless it already matches; float-to-float passes gradients), as torch.Tensor.to(dtype); no devices. */
  to(dtype: DType): Tensor;
  /** Convert to float32, as torch.Tensor.float. */
  float(): Tensor;
  /** Convert to float64, as torch.Tensor.double. */
  double(): Tensor;
  /** Convert to int32 (truncating), as torch.Tensor.int. */
  int(): Tensor;
  /** Convert to bool (nonzero is true), as torch.Tensor.bool. */
  bool(): Tensor;
  // autograd
  /** Accumulate gradients of this tensor into the .grad of every leaf it depends on, as torch.Tensor.backward (`{ retainGraph, createGraph }` as options). */
  backward(gradient?: Tensor | BackwardOptions | null, opts?: BackwardOptions): void;
  /** Keep .grad on this non-leaf after backward, as torch.Tensor.retain_grad; returns this. */
  retainGrad(): Tensor;
  /** Call fn with the gradient flowing into this tensor; a returned tensor replaces it, as torch.Tensor.register_hook. Returns a remover (PyTorch: a handle with .remove()). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that only observes is any function returning void, as in PyTorch
  registerHook(fn: (grad: Tensor) => Tensor | void): () => void;
  // in place
  // in-place ops: while gradients are recorded, refused on a leaf that requires grad (or a view of
  // one), and recorded on any other tensor as PyTorch records them (the tensor's gradFn becomes
  // the op's node; a write to a view rebases its base); under noGrad, plain writes (optimizers)
  /** In-place add (this += alpha * other), as torch.Tensor.add_. */
  add_(other: TensorLike, alpha?: number): Tensor;
  /** In-place subtract (this -= alpha * other), as torch.Tensor.sub_. */
  sub_(other: TensorLike, alpha?: number): Tensor;
  /** In-place multiply, as torch.Tensor.mul_. */
  mul_(other: TensorLike): Tensor;
  /** In-place divide, as torch.Tensor.div_. */
  div_(other: TensorLike): Tensor;
  /** In-place clamp to [min, max], as torch.Tensor.clamp_. */
  clamp_(min?: number | null, max?: number | null): Tensor;
  /** In-place max(this, 0), as torch.Tensor.relu_. */
  relu_(): Tensor;
  /** Copy src's values into this (broadcasting, casting), as torch.Tensor.copy_. */
  copy_(src: Tensor): Tensor;
  /** Set every element to value, as torch.Tensor.fill_. */
  fill_(value: number | boolean): Tensor;
  /** Set every element to 0, as torch.Tensor.zero_. */
  zero_(): Tensor;
}

declare module "../tensor/tensor.js" {
  interface Tensor extends TensorMethods {}
}

const methods: TensorMethods & ThisType<Tensor> = {
  add(o, alpha) {
    return B.add(this, o, alpha);
  },
  sub(o, alpha) {
    return B.sub(this, o, alpha);
  },
  mul(o) {
    return B.mul(this, o);
  },
  div(o) {
    return B.div(this, o);
  },
  pow(e) {
    return B.pow(this, e);
  },
  maximum(o) {
    return B.maximum(this, o);
  },
  minimum(o) {
    return B.minimum(this, o);
  },
  remainder(o) {
    return B.remainder(this, o);
  },
  floorDivide(o) {
    return B.floorDivide(this, o);
  },
  atan2(o) {
    return B.atan2(this, o);
  },
  matmul(o) {
    return matmul(this, o);
  },
  neg() {
    return U.neg(this);
  },
  abs() {
    return U.abs(this);
  },
  sign() {
    return U.sign(this);
  },
  exp() {
    return U.exp(this);
  },
  expm1() {
    return U.expm1(this);
  },
  log() {
    return U.log(this);
  },
  log1p() {
    return U.log1p(this);
  },
  sqrt() {
    return U.sqrt(this);
  },
  rsqrt() {
    return U.rsqrt(this);
  },
  reciprocal() {
    return U.reciprocal(this);
  },
  square() {
    return U.square(this);
  },
  sin() {
    return U.sin(this);
  },
  cos() {
    return U.cos(this);
  },
  erf() {
    return U.erf(this);
  },
  floor() {
    return U.floor(this);
  },
  ceil() {
    return U.ceil(this);
  },
  round() {
    return U.round(this);
  },
  trunc() {
    return U.trunc(this);
  },
  clamp(lo, hi) {
    return U.clamp(this, lo, hi);
  },
  eq(o) {
    return B.eq(this, o);
  },
  ne(o) {
    return B.ne(this, o);
  },
  lt(o) {
    return B.lt(this, o);
  },
  le(o) {
    return B.le(this, o);
  },
  gt(o) {
    return B.gt(this, o);
  },
  ge(o) {
    return B.ge(this, o);
  },
  logicalAnd(o) {
    return B.logicalAnd(this, o);
  },
  logicalOr(o) {
    return B.logicalOr(this, o);
  },
  logicalXor(o) {
    return B.logicalXor(this, o);
  },
  logicalNot() {
    return U.logicalNot(this);
  },
  isnan() {
    return U.isnan(this);
  },
  isinf() {
    return U.isinf(this);
  },
  isfinite() {
    return U.isfinite(this);
  },
  where(cond, other) {
    return where(cond, this, other);
  },
  maskedFill(mask, value) {
    return maskedFill(this, mask, value);
  },
  relu() {
    return A.relu(this);
  },
  sigmoid() {
    return A.sigmoid(this);
  },
  tanh() {
    return A.tanh(this);
  },
  silu() {
    return A.silu(this);
  },
  leakyRelu(s) {
    return A.leakyRelu(this, s);
  },
  elu(a) {
    return A.elu(this, a);
  },
  gelu(a) {
    return A.gelu(this, a);
  },
  softplus(b, th) {
    return A.softplus(this, b, th);
  },
  prelu(w) {
    return A.prelu(this, w);
  },
  softmax(d) {
    return softmax(this, d);
  },
  logSoftmax(d) {
    return logSoftmax(this, d);
  },
  sum(d, k) {
    return R.sum(this, d, k);
  },
  mean(d, k) {
    return R.mean(this, d, k);
  },
  prod(d, k) {
    return R.prod(this, d, k);
  },
  max: function (this: Tensor, d?: number, k?: boolean) {
    return d === undefined ? R.max(this) : R.max(this, d, k);
  } as TensorMethods["max"],
  min: function (this: Tensor, d?: number, k?: boolean) {
    return d === undefined ? R.min(this) : R.min(this, d, k);
  } as TensorMethods["min"],
  amax(d, k) {
    return R.amax(this, d, k);
  },
  amin(d, k) {
    return R.amin(this, d, k);
  },
  argmax(d, k) {
    return R.argmax(this, d, k);
  },
  argmin(d, k) {
    return R.argmin(this, d, k);
  },
  var(d, o) {
    return R.variance(this, d, o);
  },
  std(d, o) {
    return R.std(this, d, o);
  },
  logsumexp(d, k) {
    return R.logsumexp(this, d, k);
  },
  norm(p, d, k) {
    return R.norm(this, p, d, k);
  },
  all(d, k) {
    return R.all(this, d, k);
  },
  any(d, k) {
    return R.any(this, d, k);
  },
  sumToSize(s) {
    return R.sumToSize(this, s);
  },
  cumsum(d, o) {
    return Scan.cumsum(this, d, o);
  },
  cumprod(d, o) {
    return Scan.cumprod(this, d, o);
  },
  sort(d, o) {
    return Sort.sort(this, d, o);
  },
  argsort(d, o) {
    return Sort.argsort(this, d, o);
  },
  topk(k, o) {
    return Sort.topk(this, k, o);
  },
  reshape(s) {
    return M.reshape(this, s);
  },
  view(s) {
    return M.view(this, s);
  },
  flatten(a, b) {
    return M.flatten(this, a, b);
  },
  unflatten(d, sizes) {
    return unflatten(this, d, sizes);
  },
  squeeze(d) {
    return M.squeeze(this, d);
  },
  unsqueeze(d) {
    return M.unsqueeze(this, d);
  },
  permute(d) {
    return M.permute(this, d);
  },
  transpose(a, b) {
    return M.transpose(this, a, b);
  },
  t() {
    return M.t(this);
  },
  expand(s) {
    return M.expand(this, s);
  },
  broadcastTo(s) {
    return M.broadcastTo(this, s);
  },
  expandAs(o) {
    return M.expand(this, o.shape);
  },
  narrow(d, s, l) {
    return M.narrow(this, d, s, l);
  },
  slice(d, s, e, st) {
    return M.slice(this, d, s, e, st);
  },
  select(d, i) {
    return M.select(this, d, i);
  },
  flip(d) {
    return M.flip(this, d);
  },
  pad(a, m, v) {
    return pad(this, a, m, v);
  },
  split(s, d) {
    return J.split(this, s, d);
  },
  chunk(c, d) {
    return J.chunk(this, c, d);
  },
  unbind(d) {
    return J.unbind(this, d);
  },
  indexSelect(d, i) {
    return I.indexSelect(this, d, i);
  },
  indexAdd(d, i, s) {
    return I.indexAdd(this, d, i, s);
  },
  gather(d, i) {
    return I.gather(this, d, i);
  },
  scatterAdd(d, i, s) {
    return I.scatterAdd(this, d, i, s);
  },
  contiguous() {
    return M.contiguous(this);
  },
  clone() {
    return M.clone(this);
  },
  detach() {
    return M.detach(this);
  },
  to(d) {
    return M.to(this, d);
  },
  float() {
    return M.to(this, "float32");
  },
  double() {
    return M.to(this, "float64");
  },
  int() {
    return M.to(this, "int32");
  },
  bool() {
    return M.to(this, "bool");
  },
  backward(g, o) {
    backward(this, g, o);
  },
  retainGrad() {
    if (!this.requiresGrad)
      throw new AutogradError(
        `retainGrad: the tensor (shape ${fmt(this.shape)}, ${this.dtype}) does not require gradient, so no gradient reaches it to keep (as PyTorch). Call it on a result computed from tensors with requiresGrad.`,
      );
    if (!this.isLeaf) this.retainsGrad = true;
    return this;
  },
  registerHook(fn) {
    if (!this.requiresGrad)
      throw new AutogradError(
        `registerHook: cannot register a hook on a tensor that doesn't require gradient (shape ${fmt(this.shape)}, ${this.dtype}). Set requiresGrad first.`,
      );
    // a closure of its own, so a remover takes out its registration only, not every registration of fn
    const own = (grad: Tensor) => fn(grad);
    // the remover takes it out of the list it joined: an in-place op that rebases this tensor
    // moves that list to the tensor's old node (autograd/graph.ts RetiredHooks)
    const list = this.hooks;
    list.push(own);
    return () => {
      const i = list.indexOf(own);
      if (i >= 0) list.splice(i, 1);
    };
  },
  add_(o, alpha) {
    return writeInPlace("add_", this, [o], (self) => B.add(self, o, alpha));
  },
  sub_(o, alpha) {
    return writeInPlace("sub_", this, [o], (self) => B.sub(self, o, alpha));
  },
  mul_(o) {
    return writeInPlace("mul_", this, [o], (self) => B.mul(self, o));
  },
  div_(o) {
    return writeInPlace("div_", this, [o], (self) => B.div(self, o));
  },
  clamp_(lo, hi) {
    return writeInPlace("clamp_", this, [], (self) => U.clamp(self, lo, hi));
  },
  relu_() {
    return writeInPlace("relu_", this, [], (self) => A.relu(self), true);
  },
  copy_(src) {
    return copy_(this, src);
  },
  fill_(v) {
    return fill_(this, v);
  },
  zero_() {
    return zero_(this);
  },
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
