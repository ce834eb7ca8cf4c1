// torch.nn.Unfold and torch.nn.Fold: F.unfold / F.fold with their options held by a module.

import type { Tensor } from "../tensor/tensor.js";
import type { IntOrTuple } from "../ops/conv.js";
import { type UnfoldOptions, fold, unfold } from "../ops/unfold.js";
import { Module } from "./module.js";

/** kernel_size, dilation, padding and stride as PyTorch's Unfold and Fold print them. */
function blocksRepr(kernelSize: IntOrTuple, opts: UnfoldOptions): string {
  const { dilation = 1, padding = 0, stride = 1 } = opts;
  return `kernel_size=${JSON.stringify(kernelSize)}, dilation=${JSON.stringify(dilation)}, padding=${JSON.stringify(padding)}, stride=${JSON.stringify(stride)}`;
}

/**
 * Sliding blocks of a [N, C, H, W] (or [C, H, W]) input as columns, as torch.nn.Unfold.
 * @example new tl.nn.Unfold(3, { padding: 1 }).forward(tl.ones([2, 3, 8, 8])) // shape [2, 27, 64]
 */
export class Unfold extends Module {
  constructor(
    /** The sliding block size, as torch.nn.Unfold.kernel_size. */ readonly kernelSize: IntOrTuple,
    /** dilation, padding and stride, as torch.nn.Unfold's other arguments. */ readonly opts: UnfoldOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return unfold(x, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return blocksRepr(this.kernelSize, this.opts);
  }
}

/**
 * Columns of sliding blocks summed back into an image of outputSize, as torch.nn.Fold.
 * @example new tl.nn.Fold([4, 4], 2, { stride: 2 }).forward(tl.ones([1, 12, 4])) // shape [1, 3, 4, 4]
 */
export class Fold extends Module {
  constructor(
    /** The spatial size of the output, as torch.nn.Fold.output_size. */ readonly outputSize: IntOrTuple,
    /** The sliding block size, as torch.nn.Fold.kernel_size. */ readonly kernelSize: IntOrTuple,
    /** dilation, padding and stride, as torch.nn.Fold's other arguments. */ readonly opts: UnfoldOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return fold(x, this.outputSize, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return `output_size=${JSON.stringify(this.outputSize)}, ${blocksRepr(this.kernelSize, this.opts)}`;
  }
}
