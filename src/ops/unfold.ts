// F.unfold (im2col) and F.fold (col2im): the patch extraction that convolution is built on,
// exposed as ops. They run the conv geometry's own kernels (the tap table of
// backends/reference/conv.ts), and each is the other's adjoint, so each backward is the other op.
// Both take 2 spatial dims, batched or unbatched, as torch.nn.functional.unfold / fold.

import { record } from "../autograd/graph.js";
import { kernels } from "../backends/index.js";
import type { ConvGeometry } from "../backends/backend.js";
import { ShapeError } from "../tensor/errors.js";
import { asOp } from "../tensor/opContext.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type IntOrTuple, formulaText, outputLength, perDim } from "./conv.js";
import { reshape } from "./movement.js";
import { empty, requireFloat } from "./op.js";

/** Options of F.unfold and F.fold: dilation, padding, stride; PyTorch's keyword arguments as an object. */
export interface UnfoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

/** A sliding-block geometry without batch and channels: the part unfold and fold share. */
interface Blocks {
  imgSize: number[];
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
  /** Blocks per spatial dim (the conv's output size). */
  colSize: number[];
}

function resolveBlocks(op: string, x: Tensor, imgSize: IntOrTuple, kernelSize: IntOrTuple, o: UnfoldOptions): Blocks {
  const g = {
    imgSize: perDim(op, op === "fold" ? "outputSize" : "input size", imgSize, 2, 1),
    kernel: perDim(op, "kernelSize", kernelSize, 2, 1),
    dilation: perDim(op, "dilation", o.dilation ?? 1, 2, 1),
    padding: perDim(op, "padding", o.padding ?? 0, 2, 0),
    stride: perDim(op, "stride", o.stride ?? 1, 2, 1),
  };
  const colSize = g.imgSize.map((n, i) => outputLength(n, g.kernel[i]!, g.stride[i]!, g.padding[i]!, g.dilation[i]!));
  colSize.forEach((c, i) => {
    if (c < 1) {
      const what = op === "fold" ? `outputSize ${fmt(g.imgSize)}` : `input ${fmt(x.shape)}`;
      throw new ShapeError(
        `${op}: ${what} with kernelSize ${fmt(g.kernel)}, dilation ${fmt(g.dilation)}, padding ${fmt(g.padding)}, stride ${fmt(g.stride)} has ${c} sliding blocks along spatial dim ${i}: ${formulaText(g.imgSize[i]!, g.kernel[i]!, g.stride[i]!, g.padding[i]!, g.dilation[i]!)}; every dim needs at least one. Use a smaller kernel or dilation, or more padding.`,
      );
    }
  });
  return { ...g, colSize };
}

const geometry = (b: Blocks, batch: number, channels: number): ConvGeometry => ({ batch, channels, ...b });

/** Batched primitive: [N, C, H, W] -> [N, C * kH * kW, L]; its backward is fold. */
function unfoldBatched(x: Tensor, b: Blocks): Tensor {
  const [N, C] = x.shape as [number, number];
  const K = b.kernel[0]! * b.kernel[1]!,
    L = b.colSize[0]! * b.colSize[1]!;
  const out = empty(x.dtype, [N, C * K, L]);
  kernels().im2col(x.operand, out.operand, geometry(b, N, C));
  return record("Im2ColBackward0", out, [x], (g) => [() => foldBatched(g, b)], []);
}

/** Batched primitive: [N, C * kH * kW, L] -> [N, C, ...outputSize]; its backward is unfold. */
function foldBatched(x: Tensor, b: Blocks): Tensor {
  const N = x.shape[0]!,
    C = x.shape[1]! / (b.kernel[0]! * b.kernel[1]!);
  const out = empty(x.dtype, [N, C, ...b.imgSize]);
  kernels().col2im(x.operand, out.operand, geometry(b, N, C));
  return record("Col2ImBackward0", out, [x], (g) => [() => unfoldBatched(g, b)], []);
}

/** Every dim but the batch must be non-empty (PyTorch's rule for im2col and col2im). */
function checkRank(op: string, x: Tensor, rank: number, layout: string): void {
  requireFloat(op, x);
  if (x.ndim !== rank && x.ndim !== rank + 1) {
    const hint =
      x.ndim === rank + 2 && op === "unfold"
        ? ` It takes 2 spatial dims; for a [N, C, D, H, W] input, fold D into the batch or the channels first.`
        : "";
    throw new ShapeError(
      `${op}: expected a ${rank}-D (unbatched ${layout.replace("N, ", "")}) or ${rank + 1}-D (batched ${layout}) input, got ${fmt(x.shape)}.${hint}`,
    );
  }
  const zero = x.shape.findIndex((d, i) => d === 0 && !(x.ndim === rank + 1 && i === 0));
  if (zero >= 0)
    throw new ShapeError(`${op}: input ${fmt(x.shape)} has size 0 in dim ${zero}; only the batch dim may be empty, as in PyTorch.`);
}

/**
 * Extract sliding blocks (im2col), as torch.nn.functional.unfold: each column holds one block
 * of every channel, channel-major then kernel positions row-major.
 * **Shape**: [N, C, H, W] -> [N, C * kH * kW, L], or [C, H, W] -> [C * kH * kW, L], with L the
 * number of blocks: prod over dims of floor((n + 2p - d(k - 1) - 1) / s) + 1.
 * @example F.unfold(tl.ones([1, 2, 4, 5]), 2) // shape [1, 8, 12]
 */
export function unfold(input: Tensor, kernelSize: IntOrTuple, opts: UnfoldOptions = {}): Tensor {
  return asOp("unfold", () => unfoldOf(input, kernelSize, opts));
}

function unfoldOf(input: Tensor, kernelSize: IntOrTuple, opts: UnfoldOptions): Tensor {
  checkRank("unfold", input, 3, "[N, C, H, W]");
  const b = resolveBlocks("unfold", input, input.shape.slice(-2), kernelSize, opts);
  if (input.ndim === 4) return unfoldBatched(input, b);
  const y = unfoldBatched(reshape(input, [1, ...input.shape]), b);
  return reshape(y, y.shape.slice(1));
}

/**
 * Sum sliding blocks back into an image (col2im), as torch.nn.functional.fold: the adjoint of
 * unfold, so overlapping blocks add up (fold(unfold(x)) multiplies each pixel by the number of
 * blocks covering it).
 * **Shape**: [N, C * kH * kW, L] -> [N, C, ...outputSize], or unbatched [C * kH * kW, L] -> [C, ...outputSize].
 * @example F.fold(tl.ones([1, 8, 12]), [4, 5], 2) // shape [1, 2, 4, 5]
 */
export function fold(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, opts: UnfoldOptions = {}): Tensor {
  return asOp("fold", () => foldOf(input, outputSize, kernelSize, opts));
}

function foldOf(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, opts: UnfoldOptions): Tensor {
  checkRank("fold", input, 2, "[N, C * kH * kW, L]");
  const b = resolveBlocks("fold", input, outputSize, kernelSize, opts);
  const batched = input.ndim === 3 ? input : reshape(input, [1, ...input.shape]);
  const CK = batched.shape[1]!,
    L = batched.shape[2]!,
    K = b.kernel[0]! * b.kernel[1]!;
  if (CK % K !== 0) {
    throw new ShapeError(
      `fold: input ${fmt(input.shape)} has ${CK} rows (dim ${input.ndim - 2}), which must be divisible by prod(kernelSize) = ${b.kernel.join(" * ")} = ${K}: the rows are C * kH * kW. Check kernelSize or the input.`,
    );
  }
  if (L !== b.colSize[0]! * b.colSize[1]!) {
    throw new ShapeError(
      `fold: outputSize ${fmt(b.imgSize)} with kernelSize ${fmt(b.kernel)}, dilation ${fmt(b.dilation)}, padding ${fmt(b.padding)}, stride ${fmt(b.stride)} has ${b.colSize.join(" * ")} = ${b.colSize[0]! * b.colSize[1]!} sliding blocks, but input ${fmt(input.shape)} has ${L} columns (its last dim); the two must match. Use the outputSize and options that unfold was called with.`,
    );
  }
  const y = foldBatched(batched, b);
  return input.ndim === 3 ? y : reshape(y, y.shape.slice(1));
}
