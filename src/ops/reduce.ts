// Reductions over one dim, several dims or all: sum, mean, prod, max/min (values and indices),
// amax/amin, argmax/argmin, var/std, logsumexp, norm, all/any, and sumToSize (which the
// autograd engine uses to undo broadcasting). One kernel call reduces the middle of an
// [outer, size, inner] view; non-adjacent dims are first permuted to the end.

import { isGradEnabled, noGrad, record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { ReduceOp } from "../backends/backend.js";
import { type DType, getDefaultDtype, isFloat } from "../tensor/dtype.js";
import { DTypeError, ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, normDim, normDims, numelOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { abs, log, exp, sign, sqrt } from "./unary.js";
import { add, div, eq, mul, ne, pow, sub } from "./binary.js";
import { expand, flip, narrow, permute, reshape, squeeze, to as castTo } from "./movement.js";
import { cat } from "./join.js";
import { cumprod } from "./scan.js";
import { scatterAdd } from "./indexing.js";
import { where } from "./select.js";
import { empty, unfilled, requireFloat } from "./op.js";
import { asOp } from "../tensor/opContext.js";
import { ones } from "../tensor/create.js";

/** The dims a reduction runs over: one dim, a list (an empty list reduces everything, as PyTorch 1.13's sum(x, [])), or undefined for all; negative dims count from the end. */
export type Dims = number | readonly number[] | undefined;

/** The dims a reduction runs over: none given, or an empty list, means all (PyTorch 1.13's dim=[]). */
function reductionDims(op: string, dim: Dims, ndim: number): number[] {
  return normDims(op, Array.isArray(dim) && dim.length === 0 ? undefined : dim, ndim);
}

/** Shape after reducing `dims` (sorted, normalised). */
function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (dims.includes(i) ? 1 : d)) : shape.filter((_, i) => !dims.includes(i));
}

/** Run a reduce kernel over `dims` into a new tensor of `dtype` (no graph). */
function reduceRaw(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const outShape = reducedShape(x.shape, dims, keepdim);
  const out = unfilled(dtype, outShape);
  if (dims.length === 0) {
    kernels().reduce(op, x.operand, x.numel(), 1, 1, out.operand);
    return out;
  }
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  let src = x,
    a = dims[0]!,
    b = dims[dims.length - 1]!;
  if (!adjacent) {
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    src = noGrad(() => permute(x, [...kept, ...dims]));
    a = kept.length;
    b = x.ndim - 1;
  }
  const outer = numelOf(src.shape.slice(0, a)),
    size = numelOf(src.shape.slice(a, b + 1)),
    inner = numelOf(src.shape.slice(b + 1));
  if (size === 0 && (op === "max" || op === "min" || op === "argmax" || op === "argmin")) {
    throw new ShapeError(
      `${op}: cannot reduce over a dim of size 0 (tensor ${fmt(x.shape)}, dims [${dims.join(", ")}]): there is no identity for ${op}. Select a non-empty dim.`,
    );
  }
  kernels().reduce(op, src.operand, outer, size, inner, out.operand);
  return out;
}

/** Gradient of a keepdim-less reduction, reshaped to keepdim form and expanded to the input shape. */
function expandBack(g: Tensor, x: Tensor, dims: readonly number[]): Tensor {
  return expand(reshape(g, reducedShape(x.shape, dims, true)), x.shape);
}

/**
 * Sum over dims (all by default). Int and bool sum to int32 (PyTorch: int64).
 * @example tl.tensor([[1, 2], [3, 4]]).sum(0) // => tensor([4, 6], dtype=int32)
 */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = reductionDims("sum", dim, x.ndim);
  const out = reduceRaw("sum", x, dims, keepdim, isFloat(x.dtype) ? x.dtype : "int32");
  return record("SumBackward1", out, [x], (g) => [() => expandBack(g, x, dims)], []);
}

/** Mean over dims; float tensors only, as PyTorch. */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(
      `mean: could not infer the output dtype: the input is ${x.dtype} and mean needs a float tensor (as PyTorch). Convert first: x.to("float32").mean().`,
    );
  }
  const dims = reductionDims("mean", dim, x.ndim);
  const n = numelOf(dims.map((d) => x.shape[d] ?? 1)); // a 0-d tensor's dim 0 has size 1
  return div(sum(x, dims, keepdim), n);
}

/**
 * Product over one dim or all. The gradient is PyTorch's prod_backward: g * out / x when the
 * input has no zero; otherwise the product of the others from exclusive running products (no
 * division by zero), and for the product of everything with two or more zeros, 0. So NaN and
 * infinities reach the same entries as in PyTorch.
 */
export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  const dims = normDims("prod", dim, x.ndim);
  const out = reduceRaw("prod", x, dims, keepdim, isFloat(x.dtype) ? x.dtype : "int32");
  return record("ProdBackward0", out, [x], (g) => [() => prodGrad(x, out, g, dim, dims)], [x, out]);
}

function prodGrad(x: Tensor, out: Tensor, g: Tensor, dim: number | undefined, dims: number[]): Tensor {
  if (x.ndim === 0) return g;
  const keep = (t: Tensor) => expand(reshape(t, reducedShape(x.shape, dims, true)), x.shape);
  const ge = keep(g);
  const isZero = eq(x, 0);
  // x with its zeros as 1: the same values where this branch is taken (no zeros), and no 0 / 0 in
  // a recorded backward, where the unselected branch still gets a (zero) gradient
  const plain = mul(ge, div(keep(out), where(isZero, 1, x)));
  // PyTorch picks the rule by the zeros of the whole input (a branch on the host; here a select,
  // so it stays on the device): any zero means the exclusive products everywhere
  const zeros = sum(isZero);
  if (dim === undefined) {
    const flat = reshape(x, [x.numel()]);
    const safe = reshape(exclusiveProducts(flat, 0), x.shape);
    // two or more zeros: PyTorch returns zeros, except when the backward is itself recorded
    const many = isGradEnabled() ? mul(ge, safe) : mul(ge, 0);
    return where(eq(zeros, 0), plain, where(eq(zeros, 1), mul(ge, safe), many));
  }
  const d = dims[0] ?? 0;
  return where(eq(zeros, 0), plain, mul(ge, exclusiveProducts(x, d)));
}

/** Per position along d, the product of the entries before it times that of the entries after it (PyTorch's prod_safe_zeros_backward). */
function exclusiveProducts(x: Tensor, d: number): Tensor {
  const n = x.shape[d]!;
  if (n <= 1) return onesOf(x);
  const ones = onesOf(narrow(x, d, 0, 1));
  const before = cumprod(cat([ones, narrow(x, d, 0, n - 1)], d), d);
  const after = flip(cumprod(cat([ones, flip(narrow(x, d, 1, n - 1), d)], d), d), d);
  return mul(before, after);
}

const onesOf = (t: Tensor): Tensor => ones(t.shape, { dtype: t.dtype });

/** Values and indices, usable as `const [v, i] = x.max(1)` or `x.max(1).values`. */
export type ValuesIndices = [Tensor, Tensor] & { values: Tensor; indices: Tensor };

function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

function extremeAlong(op: "max" | "min", x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normDim(op, dim, x.ndim);
  const indices = reduceRaw(op === "max" ? "argmax" : "argmin", x, [d], keepdim, "int32");
  const values = reduceRaw(op, x, [d], keepdim, x.dtype);
  record(
    op === "max" ? "MaxBackward0" : "MinBackward0",
    values,
    [x],
    (g) => [
      () => {
        // the whole gradient goes to the selected position (PyTorch's max(dim) convention)
        const shapeKeep = reducedShape(x.shape, [d], true);
        return scatterAdd(empty(g.dtype, x.shape), d, reshape(indices, shapeKeep), reshape(g, shapeKeep));
      },
    ],
    [],
  );
  return valuesIndices(values, indices);
}

/** amax over dims: the gradient is shared evenly among tied maxima, as torch.amax. */
function extremeDims(op: "max" | "min", x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const out = reduceRaw(op, x, dims, keepdim, x.dtype);
  return record(
    op === "max" ? "AmaxBackward0" : "AminBackward0",
    out,
    [x],
    (g) => [
      () => {
        const hit = eq(x, expandBack(out, x, dims)).to(g.dtype);
        const count = expandBack(sum(hit, dims, false), x, dims);
        return div(mul(expandBack(g, x, dims), hit), count);
      },
    ],
    [x, out],
  );
}

/** max() of all elements, or max(dim, keepdim) giving values and indices, as torch.max. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return extremeDims("max", x, normDims("max", undefined, x.ndim), false);
  return extremeAlong("max", x, dim, keepdim);
}

/** The smallest element (0-d), as torch.min(x); with dim, the smallest values along it and their int32 positions as `{ values, indices }` (PyTorch: a named tuple, int64 indices). */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return extremeDims("min", x, normDims("min", undefined, x.ndim), false);
  return extremeAlong("min", x, dim, keepdim);
}

/** Largest values over dim(s) or everything, as torch.amax (the gradient is shared evenly among ties). */
export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor =>
  asOp("amax", () => extremeDims("max", x, reductionDims("amax", dim, x.ndim), keepdim));
/** Smallest values over dim(s) or everything, as torch.amin (the gradient is shared evenly among ties). */
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor =>
  asOp("amin", () => extremeDims("min", x, reductionDims("amin", dim, x.ndim), keepdim));

/** Position of the first maximum along dim, or in the flattened tensor when dim is omitted (int32). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme("argmax", x, dim, keepdim);
}

/** Position of the first minimum along dim, or in the flattened tensor when dim is omitted (int32; PyTorch int64), as torch.argmin. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtreme("argmin", x, dim, keepdim);
}

function argExtreme(op: "argmax" | "argmin", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) {
    const r = reduceRaw(op, reshape(x, [x.numel()]), [0], false, "int32");
    return keepdim
      ? reshape(
          r,
          x.shape.map(() => 1),
        )
      : r;
  }
  return reduceRaw(op, x, [normDim(op, dim, x.ndim)], keepdim, "int32");
}

/** Options of var and std: `correction` (default 1) or PyTorch's older `unbiased`, and `keepdim`; torch.var's keyword arguments. */
export interface VarOptions {
  /** Divide by N - correction (default 1: Bessel's correction, the unbiased estimate). */
  correction?: number;
  /** PyTorch's older flag: true is correction 1, false is correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** Variance over dims with Bessel's correction by default, as torch.var. */
export function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return asOp("var", () => varianceOf(x, dim, opts));
}

function varianceOf(x: Tensor, dim: Dims, opts: VarOptions): Tensor {
  requireFloat("var", x);
  const dims = reductionDims("var", dim, x.ndim);
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const n = numelOf(dims.map((d) => x.shape[d] ?? 1));
  const dof = Math.max(n - correction, 0);
  if (x.ndim === 0) {
    // one value: 0, or 0/0 = NaN without degrees of freedom (then PyTorch's gradient is
    // 2/0 * g = +-inf, where the composite below would give NaN)
    const out = noGrad(() => div(mul(x, 0), dof));
    return record("VarBackward0", out, [x], (g) => [() => mul(g, n - correction === 0 ? Infinity : 0)], []);
  }
  // Its own node: PyTorch's gradient 2/dof * g * (x - mean) is +-inf where dof is 0; through
  // the composite (x - mean(x)) the mean's share subtracts inf from inf, NaN.
  const keepdim = opts.keepdim ?? false;
  const out = noGrad(() => {
    const d = sub(x, mean(x, dims, true));
    return div(sum(mul(d, d), dims, keepdim), dof);
  });
  // the gradient's factor is 2 / (N - correction) unclamped, as PyTorch's var_backward: with
  // correction > N it is finite and negative while the value (divided by max(N - correction, 0)) is inf
  return record("VarBackward0", out, [x], (g) => [
    () => mul(mul(expandBack(g, x, dims), 2 / (n - correction)), sub(x, mean(x, dims, true))),
  ]);
}

/**
 * Standard deviation: sqrt(var). Where it is 0 (a constant slice) the gradient is 0, as
 * PyTorch's; sqrt's own rule would give g / 0 * 0 = NaN there.
 */
export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return asOp("std", () => {
    const v = variance(x, dim, opts);
    const out = noGrad(() => sqrt(v));
    return record(
      "StdBackward0",
      out,
      [v],
      (g) => [
        () => {
          const zero = eq(out, 0);
          return where(zero, 0, div(g, mul(where(zero, 1, out), 2)));
        },
      ],
      [out],
    );
  });
}

/**
 * log(sum(exp(x))) over dims, stable for large values (the max is subtracted first). Over an
 * empty dim it is log(0) = -inf, as PyTorch.
 */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return asOp("logsumexp", () => logsumexpOf(x, dim, keepdim));
}

function logsumexpOf(input: Tensor, dim: Dims, keepdim: boolean): Tensor {
  // integers and bools are cast to the default float first, as torch.logsumexp does
  const x = isFloat(input.dtype) ? input : castTo(input, getDefaultDtype());
  const dims = reductionDims("logsumexp", dim, x.ndim);
  const m = noGrad(() => {
    // an empty slice has no max: shift by 0 (the sum is 0 either way)
    if (x.numel() === 0) return empty(x.dtype, reducedShape(x.shape, dims, true));
    const raw = reduceRaw("max", x, dims, true, x.dtype);
    return where(eq(abs(raw), Infinity), 0, raw); // all -inf (or +inf) slices: shift by 0
  });
  const out = add(log(sum(exp(sub(x, m)), dims, true)), m);
  return keepdim ? out : squeeze(out, dims);
}

/**
 * Vector p-norm over dims (all by default), as torch.norm / torch.linalg.vector_norm: p = 2
 * (or "fro"), 1, Infinity, -Infinity, 0, or any other positive number. The gradient at a zero
 * norm is 0, as PyTorch.
 */
export function norm(x: Tensor, p: number | "fro" = 2, dim?: Dims, keepdim = false): Tensor {
  return asOp("norm", () => normOf(x, p, dim, keepdim));
}

function normOf(x: Tensor, p: number | "fro", dim: Dims, keepdim: boolean): Tensor {
  requireFloat("norm", x);
  const q = p === "fro" ? 2 : p;
  if (typeof q !== "number" || Number.isNaN(q))
    throw new ValueError(`norm: p must be a number, Infinity or "fro", got ${JSON.stringify(p)}.`);
  const dims = reductionDims("norm", dim, x.ndim);
  const ax = () => abs(x);
  const out = noGrad(() => {
    if (q === Infinity) return amax(ax(), dims, keepdim);
    if (q === -Infinity) return amin(ax(), dims, keepdim);
    if (q === 0) return sum(ne(x, 0).to(x.dtype), dims, keepdim);
    if (q === 1) return sum(ax(), dims, keepdim);
    if (q === 2) return sqrt(sum(mul(x, x), dims, keepdim));
    return pow(sum(pow(ax(), q), dims, keepdim), 1 / q);
  });
  return record(
    "NormBackward1",
    out,
    [x],
    (g) => [
      () => {
        const ge = expandBack(keepdim ? reshape(g, reducedShape(x.shape, dims, false)) : g, x, dims);
        const oe = expandBack(keepdim ? reshape(out, reducedShape(x.shape, dims, false)) : out, x, dims);
        if (q === 0) return mul(ge, 0);
        if (q === 1) return mul(ge, sign(x));
        if (q === Infinity || q === -Infinity) {
          const hit = eq(abs(x), oe).to(ge.dtype);
          const count = expandBack(sum(hit, dims, false), x, dims);
          return div(mul(mul(ge, sign(x)), hit), count);
        }
        // d ||x||_p / dx = x |x|^{p-2} / ||x||^{p-1}; 0 where the norm is 0
        const scale = where(eq(oe, 0), 0, div(ge, q === 2 ? oe : pow(oe, q - 1)));
        if (q === 2) return mul(x, scale);
        const grad = mul(mul(x, pow(abs(x), q - 2)), scale);
        // for p < 1, |x|^{p-2} is inf at x = 0: PyTorch masks those entries to 0
        return q < 1 ? where(eq(x, 0), 0, grad) : grad;
      },
    ],
    [x, out],
  );
}

/** True where every element over dims is nonzero (bool). */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceRaw("all", x, reductionDims("all", dim, x.ndim), keepdim, "bool");
}

/** True where some element over dim(s) is nonzero (bool), as torch.any. */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceRaw("any", x, reductionDims("any", dim, x.ndim), keepdim, "bool");
}

/** Sum x down to `shape` (the reverse of broadcasting), as torch.Tensor.sum_to_size. */
export function sumToSize(x: Tensor, shape: readonly number[]): Tensor {
  const off = x.ndim - shape.length;
  const ok = off >= 0 && shape.every((d, i) => d === x.shape[off + i] || d === 1);
  if (!ok)
    throw new ShapeError(`sumToSize: ${fmt(x.shape)} cannot be summed to ${fmt(shape)}; the target must be a shape that broadcasts to it.`);
  const dims = x.shape.map((_, i) => i).filter((i) => i < off || (shape[i - off] === 1 && x.shape[i] !== 1));
  const s = dims.length > 0 ? sum(x, dims, true) : x;
  return reshape(s, shape);
}
