// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_: the usual cure for
// exploding gradients in recurrent networks. They act on .grad after backward(), outside the graph.

import { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { noGrad } from "../autograd/graph.js";
import { mul } from "../ops/binary.js";
import { clamp } from "../ops/unary.js";

type Params = Tensor | Iterable<Tensor>;

const listOf = (params: Params): Tensor[] => (params instanceof Tensor ? [params] : [...params]);

/** Options of nn.utils.clipGradNorm: errorIfNonfinite (PyTorch's error_if_nonfinite); the norm type is positional. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (PyTorch's error_if_nonfinite). */
  errorIfNonfinite?: boolean;
}

/**
 * Scale the gradients of `params` together so that their joint norm is at most maxNorm, as
 * torch.nn.utils.clip_grad_norm_: total = norm of the per-tensor norms; every grad is multiplied
 * by min(1, maxNorm / (total + 1e-6)). Parameters without a gradient are skipped. Each .grad is
 * replaced by the scaled tensor (a new tensor, so a gradient aliasing another tensor is not changed).
 * @param normType any p > 0, or Infinity (the largest |g|).
 * @returns the total norm before clipping, as a number (PyTorch returns it as a 0-d tensor).
 * @example tl.nn.utils.clipGradNorm([], 1) // => 0
 */
export function clipGradNorm(params: Params, maxNorm: number, normType: number = 2, opts: ClipGradNormOptions = {}): number {
  if (!(normType > 0)) throw new ValueError(`clipGradNorm: normType must be a positive number or Infinity, got ${normType}.`);
  if (Number.isNaN(maxNorm) || maxNorm < 0) throw new ValueError(`clipGradNorm: maxNorm must be a non-negative number, got ${maxNorm}.`);
  const withGrad = listOf(params).filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  return noGrad(() => {
    // the norm of the per-tensor norms equals the norm over all elements, as PyTorch computes it
    const norms = withGrad.map((p) => p.grad!.norm(normType).item());
    const total = normType === Infinity ? Math.max(...norms) : norms.reduce((s, n) => s + n ** normType, 0) ** (1 / normType);
    if (opts.errorIfNonfinite && !Number.isFinite(total)) {
      throw new ValueError(
        `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped. Look for the NaN/inf in the loss or gradients, or pass errorIfNonfinite: false.`,
      );
    }
    const coef = Math.min(1, maxNorm / (total + 1e-6));
    for (const p of withGrad) p.grad = mul(p.grad!, coef);
    return total;
  });
}

/**
 * Clamp every gradient element of `params` to [-clipValue, clipValue], as
 * torch.nn.utils.clip_grad_value_. Parameters without a gradient are skipped.
 */
export function clipGradValue(params: Params, clipValue: number): void {
  if (!(clipValue >= 0)) throw new ValueError(`clipGradValue: clipValue must be a non-negative number, got ${clipValue}.`);
  noGrad(() => {
    for (const p of listOf(params)) if (p.grad !== null) p.grad = clamp(p.grad, -clipValue, clipValue);
  });
}
