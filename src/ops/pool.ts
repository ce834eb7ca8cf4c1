// Pooling in 1, 2 and 3 dims: max (with indices), average (ceil mode, count_include_pad,
// divisor override) and their adaptive forms. Every variant is a list of windows per output
// position (PoolGeometry); the op computes the windows and the average divisors, the kernel
// only walks them. Gradients: max scatters dy to the argmax positions (scatterAdd over the
// flattened plane), average spreads dy / divisor over each window (avgPoolBackward).

import { record, recordFused } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { PoolGeometry } from "../backends/backend.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, numelOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { convOutputSize, formulaText, perDim, type IntOrTuple } from "./conv.js";
import { reshape } from "./movement.js";
import { scatterAdd } from "./indexing.js";
import { lt } from "./binary.js";
import { where } from "./select.js";
import { empty, unfilled, requireFloat } from "./op.js";
import { asOp } from "../tensor/opContext.js";
import { checkElements } from "../tensor/limits.js";

/** Options of F.maxPool1d/2d/3d: kernelSize, stride (default kernelSize), padding, dilation, ceilMode; PyTorch's keyword arguments as an object. */
export interface MaxPoolOptions {
  kernelSize: IntOrTuple;
  /** Defaults to kernelSize (PyTorch's stride=None). */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

/** Options of F.avgPool1d/2d/3d: kernelSize, stride (default kernelSize), padding, ceilMode, countIncludePad, divisorOverride; PyTorch's keyword arguments as an object. */
export interface AvgPoolOptions {
  kernelSize: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Pooled output size along one dim; in ceil mode the last window must start inside the input or left padding. */
function poolOutputSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = convOutputSize({ inputSize: n, kernelSize: k, stride: s, padding: p, dilation: d, ceilMode: ceil });
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

function checkInput(op: string, nd: number, x: Tensor): void {
  requireFloat(op, x);
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new ShapeError(
      `${op}: expected a ${nd + 1}-D or ${nd + 2}-D input ([C, ...] or [N, C, ...] with ${nd} spatial dims), got ${fmt(x.shape)}.`,
    );
  }
}

interface Windows {
  g: PoolGeometry;
  outShape: number[];
}

/** Pooling options come as an object (PyTorch's positional kernel_size is { kernelSize }). */
function checkOptions(op: string, o: unknown): void {
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new ValueError(
      `${op}: expected an options object such as { kernelSize: 2 }, got ${JSON.stringify(o)}. Pass F.${op}(x, { kernelSize: ${JSON.stringify(o)} }).`,
    );
  }
}

/** Regular (strided) windows: start = o * s - p, k taps dilated by d. */
function stridedWindows(
  op: string,
  nd: number,
  x: Tensor,
  kernelSize: IntOrTuple,
  strideOpt: IntOrTuple | null | undefined,
  paddingOpt: IntOrTuple,
  dilationOpt: IntOrTuple,
  ceil: boolean,
): Windows & { k: number[]; s: number[]; p: number[]; hasEmpty: boolean } {
  checkInput(op, nd, x);
  // PyTorch's max and avg pools take an empty batch, nothing else empty (unbatched: no empty dim)
  const batched = x.ndim === nd + 2;
  const emptyDim = x.shape.findIndex((n, i) => n === 0 && !(batched && i === 0));
  if (emptyDim >= 0) {
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} has an empty dim (${emptyDim}); only the batch dim of ${nd + 2}-D [N, C, ...] input may be 0, as in PyTorch.`,
    );
  }
  const k = perDim(op, "kernelSize", kernelSize, nd, 1);
  const s = strideOpt === null || strideOpt === undefined ? k : perDim(op, "stride", strideOpt, nd, 1);
  const p = perDim(op, "padding", paddingOpt, nd, 0);
  const d = perDim(op, "dilation", dilationOpt, nd, 1);
  p.forEach((pi, i) => {
    if (pi > Math.floor(k[i]! / 2))
      throw new ValueError(
        `${op}: padding ${pi} must be at most half the kernel size (${k[i]}) in dim ${i}, as in PyTorch: at most ${Math.floor(k[i]! / 2)}. Use less padding or a larger kernel, or pad the input first with tl.pad.`,
      );
  });
  const spatial = x.shape.slice(x.ndim - nd);
  const outSize = spatial.map((n, i) => poolOutputSize(n, k[i]!, s[i]!, p[i]!, d[i]!, ceil));
  outSize.forEach((o, i) => {
    if (o <= 0)
      throw new ShapeError(
        `${op}: output size along spatial dim ${i} would be ${o} <= 0 for input ${fmt(x.shape)}: ${formulaText(spatial[i]!, k[i]!, s[i]!, p[i]!, d[i]!)}. Use a smaller kernel or more padding.`,
      );
  });
  const start = outSize.map((o, i) => Int32Array.from({ length: o }, (_, j) => j * s[i]! - p[i]!));
  const count = outSize.map((o, i) => new Int32Array(o).fill(k[i]!));
  const lead = x.shape.slice(0, x.ndim - nd);
  // a dilated window can step over the whole input: taps only in the padding on both sides
  const hasEmpty = start.some((st, i) =>
    st.some((b) => !Array.from({ length: k[i]! }, (_, t) => b + t * d[i]!).some((q) => q >= 0 && q < spatial[i]!)),
  );
  return {
    g: { planes: numelOf(lead), inSize: spatial, outSize, start, count, dilation: d },
    outShape: [...lead, ...outSize],
    k,
    s,
    p,
    hasEmpty,
  };
}

/**
 * Adaptive windows: [floor(o * n / out), ceil((o + 1) * n / out)). A null size keeps the input's.
 * `spatialOnly`: only the spatial dims must be non-empty (PyTorch's adaptive avg pool in 1-2
 * dims); otherwise every dim but the first (its adaptive max pools and 3-d avg pool).
 */
function adaptiveWindows(
  op: string,
  nd: number,
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  spatialOnly: boolean,
): Windows {
  checkInput(op, nd, x);
  const spatial = x.shape.slice(x.ndim - nd);
  const from = spatialOnly ? x.ndim - nd : 1;
  const emptyDim = x.shape.findIndex((n, i) => n === 0 && i >= from);
  if (emptyDim >= 0) {
    const which = spatialOnly ? "every spatial dim" : "every dim but the first";
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} has an empty dim (${emptyDim}); ${op} needs ${which} non-empty, as in PyTorch (a window over nothing has no value).`,
    );
  }
  const req = typeof outputSize === "number" ? new Array<number>(nd).fill(outputSize) : outputSize.map((v, i) => v ?? spatial[i]!);
  // 0 gives an empty output, as PyTorch's forward (its 1-d and 2-d backward then refuse)
  if (req.length !== nd || req.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ValueError(
      `${op}: outputSize must be an integer >= 0 or ${nd} of them (null keeps a dim), got ${JSON.stringify(outputSize)}.`,
    );
  }
  // the window tables and divisors below are output-sized: check before building them
  const outShape = [...x.shape.slice(0, x.ndim - nd), ...req];
  checkElements(numelOf(outShape), outShape);
  const start = req.map((o, i) => Int32Array.from({ length: o }, (_, j) => Math.floor((j * spatial[i]!) / o)));
  const count = req.map((o, i) => Int32Array.from({ length: o }, (_, j) => Math.ceil(((j + 1) * spatial[i]!) / o) - start[i]![j]!));
  const lead = x.shape.slice(0, x.ndim - nd);
  return {
    g: { planes: numelOf(lead), inSize: spatial, outSize: req, start, count, dilation: new Array<number>(nd).fill(1) },
    outShape: [...lead, ...req],
  };
}

/**
 * Max over windows; indices are flat positions in each input plane (PyTorch's return_indices).
 * Without `returnIndices` nothing but the backward's closures sees the indices, so the node owns
 * them and gives their storage back once backward has used them (recordFused's `owned`).
 */
function maxPoolWith(name: string, x: Tensor, w: Windows, returnIndices: boolean, hasEmpty = false): [Tensor, Tensor] {
  const out = unfilled(x.dtype, w.outShape);
  const indices = unfilled("int32", w.outShape);
  kernels().maxPool(x.operand, out.operand, indices.operand, w.g);
  const plane = numelOf(w.g.inSize),
    P = w.g.planes;
  if (hasEmpty) {
    // a window wholly in the padding gives -inf at index -1 and passes no gradient (PyTorch 1.13
    // names a position outside the window and sends the gradient there, into another plane)
    const none = lt(indices, 0);
    const at = reshape(where(none, 0, indices), [P, -1]);
    record(
      name,
      out,
      [x],
      (g) => [() => reshape(scatterAdd(empty(g.dtype, [P, plane]), 1, at, reshape(where(none, 0, g), [P, -1])), x.shape)],
      [],
    );
    return [out, indices];
  }
  // dy goes to the argmax of each window: a scatter along the flattened plane. The shortcut runs
  // the kernel on the storages directly: the indices came from maxPool itself, so the op's
  // validation and copy are dead weight.
  recordFused(
    name,
    out,
    [x],
    (g) => [() => reshape(scatterAdd(empty(g.dtype, [P, plane]), 1, reshape(indices, [P, -1]), reshape(g, [P, -1])), x.shape)],
    (g) => [
      () => {
        const dx = empty(g.dtype, x.shape);
        kernels().scatterAdd(dx.operand, [P, plane], 1, indices.operand, [P, indices.operand.length / P], g.operand, [
          P,
          g.operand.length / P,
        ]);
        return dx;
      },
    ],
    [],
    returnIndices ? [] : [indices],
  );
  return [out, indices];
}

function avgPoolWith(name: string, x: Tensor, w: Windows, divisor: Float64Array): Tensor {
  const out = unfilled(x.dtype, w.outShape);
  kernels().avgPool(x.operand, out.operand, divisor, w.g);
  return record(name, out, [x], (g) => [() => avgPoolBackward(g, x.shape, w, divisor)], []);
}

/** The gradient of average pooling, itself differentiable (its adjoint is average pooling). */
function avgPoolBackward(dy: Tensor, inShape: readonly number[], w: Windows, divisor: Float64Array): Tensor {
  const dx = empty(dy.dtype, inShape);
  kernels().avgPoolBackward(dy.operand, dx.operand, divisor, w.g);
  return record(
    "AvgPoolBackwardBackward0",
    dx,
    [dy],
    (gg) => [
      () => {
        const out = unfilled(gg.dtype, w.outShape);
        kernels().avgPool(gg.operand, out.operand, divisor, w.g);
        return out;
      },
    ],
    [],
  );
}

export function maxPoolNd(op: string, nd: number, x: Tensor, o: MaxPoolOptions & { returnIndices?: boolean }): Tensor | [Tensor, Tensor] {
  return asOp(op, () => {
    checkOptions(op, o);
    const w = stridedWindows(op, nd, x, o.kernelSize, o.stride, o.padding ?? 0, o.dilation ?? 1, o.ceilMode ?? false);
    const returnIndices = o.returnIndices ?? false;
    const [out, idx] = maxPoolWith("MaxPoolBackward0", x, w, returnIndices, w.hasEmpty);
    return returnIndices ? [out, idx] : out;
  });
}

export function avgPoolNd(op: string, nd: number, x: Tensor, o: AvgPoolOptions): Tensor {
  return asOp(op, () => avgPoolOf(op, nd, x, o));
}

function avgPoolOf(op: string, nd: number, x: Tensor, o: AvgPoolOptions): Tensor {
  checkOptions(op, o);
  const w = stridedWindows(op, nd, x, o.kernelSize, o.stride, o.padding ?? 0, 1, o.ceilMode ?? false);
  if (nd === 3 && w.g.inSize.some((n, i) => n < w.k[i]!)) {
    // PyTorch's avg_pool3d (alone among the pools) compares the kernel with the unpadded input
    throw new ShapeError(
      `${op}: input ${fmt(x.shape)} is smaller than the kernel ${fmt(w.k)} in its spatial dims ${fmt(w.g.inSize)}; avgPool3d needs every kernel size at most the input's (padding does not count), as PyTorch. Use a smaller kernel.`,
    );
  }
  const includePad = o.countIncludePad ?? true;
  if (o.divisorOverride !== undefined && o.divisorOverride !== null && !(Number.isInteger(o.divisorOverride) && o.divisorOverride > 0)) {
    throw new ValueError(`${op}: divisorOverride must be a positive integer, got ${o.divisorOverride}.`);
  }
  // PyTorch's divisor: the window clipped to the padded input (count_include_pad) or to the input
  const perDimCount = w.g.outSize.map((out, d) =>
    Float64Array.from({ length: out }, (_, j) => {
      const n = w.g.inSize[d]!,
        start = w.g.start[d]![j]!;
      const end = Math.min(start + w.k[d]!, n + w.p[d]!);
      return includePad ? end - start : Math.min(end, n) - Math.max(start, 0);
    }),
  );
  const divisor = new Float64Array(numelOf(w.g.outSize));
  const oc = new Array<number>(nd).fill(0);
  for (let i = 0; i < divisor.length; i++) {
    divisor[i] = o.divisorOverride ?? oc.reduce((acc, c, d) => acc * perDimCount[d]![c]!, 1);
    for (let d = nd - 1; d >= 0 && ++oc[d]! === w.g.outSize[d]; d--) oc[d] = 0;
  }
  return avgPoolWith("AvgPoolBackward0", x, w, divisor);
}

export function adaptiveAvgPoolNd(op: string, nd: number, x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return asOp(op, () => adaptiveAvgPoolOf(op, nd, x, outputSize));
}

function adaptiveAvgPoolOf(op: string, nd: number, x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const w = adaptiveWindows(op, nd, x, outputSize, nd < 3);
  const divisor = new Float64Array(numelOf(w.g.outSize));
  const oc = new Array<number>(nd).fill(0);
  for (let i = 0; i < divisor.length; i++) {
    divisor[i] = oc.reduce((acc, c, d) => acc * w.g.count[d]![c]!, 1);
    for (let d = nd - 1; d >= 0 && ++oc[d]! === w.g.outSize[d]; d--) oc[d] = 0;
  }
  return avgPoolWith("AdaptiveAvgPoolBackward0", x, w, divisor);
}

export function adaptiveMaxPoolNd(
  op: string,
  nd: number,
  x: Tensor,
  outputSize: number | readonly (number | null)[],
  returnIndices = false,
): Tensor | [Tensor, Tensor] {
  return asOp(op, () => {
    const w = adaptiveWindows(op, nd, x, outputSize, false);
    const [out, idx] = maxPoolWith("AdaptiveMaxPoolBackward0", x, w, returnIndices);
    return returnIndices ? [out, idx] : out;
  });
}
