// Convolution, cell by cell, for teaching pages: each output cell's input window (positions,
// values, padding marked), the products with the kernel taps and their sum; and the input
// gradient seen as a convolution: which output cells and kernel taps reach each input cell, the
// products dy * w and their sum. Every explanation also carries the library's own value (the conv
// op's output, autograd's x.grad), so a page shows the sum of products next to what the real op
// computed. Meant for small inputs; N-d (1-D, 2-D, 3-D), channels and groups, stride, padding
// (numbers, "same", "valid"), dilation. No PyTorch counterpart.

import type { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, numelOf, stridesOf } from "../tensor/shape.js";
import { enableGrad, noGrad } from "../autograd/graph.js";
import { backward } from "../autograd/backward.js";
import { detach } from "../ops/movement.js";
import { type ConvOptions, convNd, outputLength, perDim, resolvePadding } from "../ops/conv.js";

/** Options of the conv explainers: F.conv*d's options plus an optional bias. */
export interface ExplainConvOptions extends ConvOptions {
  /** The bias [C_out] added to every output cell of its channel (F.conv*d's bias argument). */
  bias?: Tensor | null;
}

/** One kernel tap of an output cell: the input position it reads (padding marked), the weight it multiplies, the product. */
export interface ConvTap {
  /** Index into x as given ([n, c, ...pos] or unbatched [c, ...pos]); a padded position lies outside x. */
  input: number[];
  /** True where the position falls in the zero padding (x reads 0 there). */
  padded: boolean;
  /** The input value (0 when padded). */
  x: number;
  /** Index into the weight: [outChannel, channelInGroup, ...kernelPos]. */
  weight: number[];
  /** The weight value. */
  w: number;
  /** x * w. */
  product: number;
}

/** One output cell explained: its window of taps (row-major over windowShape), the sum of products plus bias, and the conv op's value. No PyTorch counterpart. */
export interface ConvCellExplanation {
  /** Index into the output ([n, oc, ...pos], or [oc, ...pos] for unbatched input). */
  index: number[];
  /** The group of the output channel (its input channels are group * C_in/groups onwards). */
  group: number;
  /** [C_in / groups, ...kernel]: the taps in row-major order of this shape. */
  windowShape: number[];
  taps: ConvTap[];
  /** The bias added (0 without bias). */
  bias: number;
  /** Sum of the products plus the bias. */
  sum: number;
  /** The conv op's output at `index` (equal to `sum` up to rounding). */
  value: number;
}

/** One contribution to an input-gradient cell: an output cell's dy times the kernel tap that read this input cell. */
export interface ConvGradTap {
  /** Index into y and dy ([n, oc, ...pos] or [oc, ...pos]). */
  output: number[];
  /** dL/dy at that output cell. */
  dy: number;
  /** Index into the weight: [outChannel, channelInGroup, ...kernelPos]; in the transposed-conv view the kernel is flipped, so this tap sits at kernel - 1 - kernelPos. */
  weight: number[];
  /** The weight value. */
  w: number;
  /** dy * w. */
  product: number;
}

/** One input-gradient cell explained: every (output cell, kernel tap) pair that read it, the sum of dy * w, and autograd's x.grad there. No PyTorch counterpart. */
export interface ConvGradCellExplanation {
  /** Index into x ([n, c, ...pos] or [c, ...pos]). */
  index: number[];
  taps: ConvGradTap[];
  /** Sum of the products. */
  sum: number;
  /** Autograd's x.grad at `index` for this dy (equal to `sum` up to rounding). */
  value: number;
}

/** All output cells of a conv explained (row-major over outputShape). */
export interface ConvExplanation {
  outputShape: number[];
  /** The conv op's output (detached). */
  output: Tensor;
  cells: ConvCellExplanation[];
}

/** All input-gradient cells explained (row-major over inputShape). */
export interface ConvInputGradExplanation {
  inputShape: number[];
  /** Autograd's x.grad for dy (detached). */
  grad: Tensor;
  cells: ConvGradCellExplanation[];
}

/** The most taps an all-cells explanation builds (a teaching page shows far fewer). */
const MAX_TAPS = 1_000_000;

interface Geometry {
  nd: number;
  batched: boolean;
  /** x as [N, C, ...S]. */
  xShape: number[];
  spatial: number[];
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
  cg: number;
  og: number;
  out: number[];
  /** [N, O, ...out] */
  yShape: number[];
  wShape: number[];
}

const offset = (idx: readonly number[], strides: readonly number[]): number => idx.reduce((a, v, i) => a + v * strides[i]!, 0);
const unravel = (flat: number, shape: readonly number[]): number[] => {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return idx;
};

function geometryOf(op: string, x: Tensor, weight: Tensor, o: ExplainConvOptions): Geometry {
  const nd = weight.ndim - 2;
  if (nd < 1 || nd > 3)
    throw new ShapeError(
      `${op}: weight must be 3-D, 4-D or 5-D ([C_out, C_in / groups, ...kernel] for 1-D, 2-D, 3-D convolution), got ${fmt(weight.shape)}.`,
    );
  const batched = x.ndim === nd + 2;
  const xShape = batched ? [...x.shape] : [1, ...x.shape];
  const groups = o.groups ?? 1;
  const kernel = weight.shape.slice(2);
  const stride = perDim(op, "stride", o.stride ?? 1, nd, 1);
  const dilation = perDim(op, "dilation", o.dilation ?? 1, nd, 1);
  const { padding, extraRight: extra } = resolvePadding(op, o.padding ?? 0, kernel, stride, dilation);
  const spatial = xShape.slice(2);
  const out = spatial.map((n, i) => outputLength(n + extra[i]!, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!));
  const O = weight.shape[0]!;
  return {
    nd,
    batched,
    xShape,
    spatial,
    kernel,
    stride,
    padding,
    dilation,
    groups,
    cg: weight.shape[1]!,
    og: O / groups,
    out,
    yShape: [xShape[0]!, O, ...out],
    wShape: [...weight.shape],
  };
}

/** The conv op on the given tensors (checks every argument, words PyTorch's errors), detached. */
function runConv(op: string, x: Tensor, weight: Tensor, o: ExplainConvOptions): Tensor {
  const { bias, ...opts } = o;
  return noGrad(() => convNd(op, weight.ndim - 2, x, weight, bias ?? null, opts));
}

function checkIndex(op: string, what: string, index: readonly number[], shape: readonly number[]): void {
  if (!Array.isArray(index) || index.length !== shape.length || index.some((v, i) => !Number.isInteger(v) || v < 0 || v >= shape[i]!)) {
    throw new ValueError(
      `${op}: ${what} index ${JSON.stringify(index)} is not an index into shape ${fmt(shape)}; give ${shape.length} integers, each in [0, size).`,
    );
  }
}

function explainCell(g: Geometry, x: Tensor, weight: Tensor, bias: Tensor | null, y: Tensor, yIdx: readonly number[]): ConvCellExplanation {
  const full = g.batched ? yIdx : [0, ...yIdx];
  const [n, oc] = full as [number, number];
  const pos = full.slice(2);
  const group = Math.floor(oc / g.og);
  const xs = x.storage,
    ws = weight.storage;
  const xStr = stridesOf(g.xShape),
    wStr = stridesOf(g.wShape);
  const windowShape = [g.cg, ...g.kernel];
  const taps: ConvTap[] = [];
  let sum = 0;
  for (let f = 0; f < numelOf(windowShape); f++) {
    const [cgi, ...k] = unravel(f, windowShape) as [number, ...number[]];
    const c = group * g.cg + cgi;
    const at = pos.map((o, i) => o * g.stride[i]! - g.padding[i]! + k[i]! * g.dilation[i]!);
    const padded = at.some((v, i) => v < 0 || v >= g.spatial[i]!);
    const xv = padded ? 0 : Number(xs[offset([n, c, ...at], xStr)]);
    const wIdx = [oc, cgi, ...k];
    const wv = Number(ws[offset(wIdx, wStr)]);
    const product = xv * wv;
    sum += product;
    taps.push({ input: g.batched ? [n, c, ...at] : [c, ...at], padded, x: xv, weight: wIdx, w: wv, product });
  }
  const b = bias ? Number(bias.storage[oc]) : 0;
  return { index: [...yIdx], group, windowShape, taps, bias: b, sum: sum + b, value: Number(y.storage[offset(full, stridesOf(g.yShape))]) };
}

function explainGradCell(g: Geometry, weight: Tensor, dy: Tensor, dx: Tensor, xIdx: readonly number[]): ConvGradCellExplanation {
  const full = g.batched ? xIdx : [0, ...xIdx];
  const [n, c] = full as [number, number];
  const pos = full.slice(2);
  const group = Math.floor(c / g.cg),
    cgi = c - group * g.cg;
  const ws = weight.storage,
    ds = dy.storage;
  const wStr = stridesOf(g.wShape),
    yStr = stridesOf(g.yShape);
  const taps: ConvGradTap[] = [];
  let sum = 0;
  for (let oc = group * g.og; oc < (group + 1) * g.og; oc++) {
    for (let f = 0; f < numelOf(g.kernel); f++) {
      const k = unravel(f, g.kernel);
      // the output cell whose window put tap k on this input position: o * s - p + k * d = pos
      const o = pos.map((v, i) => (v + g.padding[i]! - k[i]! * g.dilation[i]!) / g.stride[i]!);
      if (o.some((v, i) => !Number.isInteger(v) || v < 0 || v >= g.out[i]!)) continue;
      const yIdx = [n, oc, ...o];
      const wIdx = [oc, cgi, ...k];
      const dv = Number(ds[offset(yIdx, yStr)]),
        wv = Number(ws[offset(wIdx, wStr)]);
      const product = dv * wv;
      sum += product;
      taps.push({ output: g.batched ? yIdx : yIdx.slice(1), dy: dv, weight: wIdx, w: wv, product });
    }
  }
  return { index: [...xIdx], taps, sum, value: Number(dx.storage[offset(full, stridesOf(g.xShape))]) };
}

/** Autograd's x.grad of conv(x, weight) for dy, on detached copies (the caller's tensors keep their .grad). */
function autogradInput(op: string, x: Tensor, weight: Tensor, dy: Tensor, o: ExplainConvOptions, g: Geometry): Tensor {
  const want = g.batched ? g.yShape : g.yShape.slice(1);
  if (dy.ndim !== want.length || dy.shape.some((d, i) => d !== want[i]))
    throw new ShapeError(`${op}: dy has shape ${fmt(dy.shape)} but the conv output is ${fmt(want)}; give dL/dy of the output's shape.`);
  if (dy.dtype !== x.dtype) throw new ShapeError(`${op}: dy is ${dy.dtype} but x is ${x.dtype}; use one dtype.`);
  return enableGrad(() => {
    const xl = detach(x).requiresGrad_();
    const { bias, ...opts } = o;
    const y = convNd(op, g.nd, xl, detach(weight), bias ? detach(bias) : null, opts);
    backward(y, detach(dy));
    return xl.grad!;
  });
}

/**
 * Every output cell of conv(x, weight) explained: the input window each reads (positions,
 * values, padding marked), the products with the kernel and their sum plus bias, next to the
 * conv op's value. x is [N, C, ...] or unbatched [C, ...]; the weight [C_out, C_in / groups,
 * ...kernel] picks 1-D, 2-D or 3-D. For small inputs (at most 10^6 taps). No PyTorch
 * counterpart (F.conv1d/2d/3d compute the values only).
 * @example tl.explain.conv(tl.tensor([[1, 2, 3, 4]], { dtype: "float64" }), tl.tensor([[[1, 0, -1]]], { dtype: "float64" }), { padding: 1 }).cells[0].taps.map((t) => t.padded).join() // => true,false,false
 */
export function conv(x: Tensor, weight: Tensor, opts: ExplainConvOptions = {}): ConvExplanation {
  const op = "explain.conv";
  const y = runConv(op, x, weight, opts);
  const g = geometryOf(op, x, weight, opts);
  const shape = g.batched ? g.yShape : g.yShape.slice(1);
  const cells = numelOf(shape);
  if (cells * numelOf([g.cg, ...g.kernel]) > MAX_TAPS)
    throw new ValueError(
      `${op}: ${cells} output cells of ${numelOf([g.cg, ...g.kernel])} taps each is more than ${MAX_TAPS} taps; explain single cells with explain.convCell.`,
    );
  return {
    outputShape: shape,
    output: y,
    cells: Array.from({ length: cells }, (_, f) => explainCell(g, x, weight, opts.bias ?? null, y, unravel(f, shape))),
  };
}

/**
 * One output cell of conv(x, weight) explained (see explain.conv); `index` indexes the output
 * ([n, oc, ...pos], or [oc, ...pos] for unbatched x). No PyTorch counterpart.
 * @example tl.explain.convCell(tl.tensor([[1, 2, 3, 4]], { dtype: "float64" }), tl.tensor([[[1, 0, -1]]], { dtype: "float64" }), [0, 1]).sum // => -2
 */
export function convCell(x: Tensor, weight: Tensor, index: readonly number[], opts: ExplainConvOptions = {}): ConvCellExplanation {
  const op = "explain.convCell";
  const y = runConv(op, x, weight, opts);
  const g = geometryOf(op, x, weight, opts);
  checkIndex(op, "output", index, y.shape);
  return explainCell(g, x, weight, opts.bias ?? null, y, index);
}

/**
 * The input gradient of conv(x, weight) for an output gradient dy, explained cell by cell as the
 * convolution it is (a transposed conv of dy with the kernel): for each input cell, every output
 * cell and kernel tap that read it, the products dy * w and their sum, next to autograd's x.grad.
 * dy has the conv output's shape. For small inputs. No PyTorch counterpart (autograd computes
 * x.grad only).
 * @example tl.explain.convInputGrad(tl.tensor([[1, 2, 3]], { dtype: "float64" }), tl.tensor([[[1, 2]]], { dtype: "float64" }), tl.tensor([[1, 1]], { dtype: "float64" })).cells.map((c) => c.sum).join() // => 1,3,2
 */
export function convInputGrad(x: Tensor, weight: Tensor, dy: Tensor, opts: ExplainConvOptions = {}): ConvInputGradExplanation {
  const op = "explain.convInputGrad";
  runConv(op, x, weight, opts);
  const g = geometryOf(op, x, weight, opts);
  const dx = autogradInput(op, x, weight, dy, opts, g);
  const shape = [...x.shape];
  if (numelOf(shape) * g.og * numelOf(g.kernel) > MAX_TAPS)
    throw new ValueError(
      `${op}: ${numelOf(shape)} input cells is too many to explain at once (more than ${MAX_TAPS} candidate taps); explain single cells with explain.convInputGradCell.`,
    );
  return {
    inputShape: shape,
    grad: dx,
    cells: Array.from({ length: numelOf(shape) }, (_, f) => explainGradCell(g, weight, dy, dx, unravel(f, shape))),
  };
}

/**
 * One input-gradient cell of conv(x, weight) for dy explained (see explain.convInputGrad);
 * `index` indexes x. No PyTorch counterpart.
 * @example tl.explain.convInputGradCell(tl.tensor([[1, 2, 3]], { dtype: "float64" }), tl.tensor([[[1, 2]]], { dtype: "float64" }), tl.tensor([[1, 1]], { dtype: "float64" }), [0, 1]).taps.length // => 2
 */
export function convInputGradCell(
  x: Tensor,
  weight: Tensor,
  dy: Tensor,
  index: readonly number[],
  opts: ExplainConvOptions = {},
): ConvGradCellExplanation {
  const op = "explain.convInputGradCell";
  runConv(op, x, weight, opts);
  const g = geometryOf(op, x, weight, opts);
  checkIndex(op, "input", index, x.shape);
  return explainGradCell(g, weight, dy, autogradInput(op, x, weight, dy, opts, g), index);
}
