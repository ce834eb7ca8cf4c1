// Max unpooling: the partial inverse of max pooling, as torch.nn.functional.max_unpool1d/2d/3d.
// Each input value goes to the flat position its index names within its output plane, zeros
// elsewhere. Forward is one scatter-add; where several inputs name the same position the last
// one is kept (PyTorch's loop overwrites), and every one of them receives the output's gradient
// there (PyTorch's backward gathers), hence its own backward rather than scatter-add's.

import { noGrad, record } from "../autograd/graph.js";
import { tensor, zeros } from "../tensor/create.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type IntOrTuple, perDim } from "./conv.js";
import { gather, scatterAdd } from "./indexing.js";
import { reshape } from "./movement.js";
import { requireIndex } from "./op.js";
import { where } from "./select.js";

/** Options of F.maxUnpool1d/2d/3d: the pooling's kernelSize, stride (default kernelSize) and padding, and optionally the output size. */
export interface MaxUnpoolOptions {
  /** The pooling window the indices came from, as `kernel_size`. */
  kernelSize: IntOrTuple;
  /** The pooling stride (default kernelSize), as `stride`. */
  stride?: IntOrTuple | null;
  /** The pooling padding (default 0), as `padding`. */
  padding?: IntOrTuple;
  /** The spatial output size (the last nd entries are used), to undo a pooling that dropped a remainder, as `output_size`. */
  outputSize?: readonly number[] | null;
}

/** Max unpooling over the last nd dims of [N, C, ...] or [C, ...] (the op behind F.maxUnpool1d/2d/3d). */
export function maxUnpoolNd(op: string, nd: number, x: Tensor, indices: Tensor, opts: MaxUnpoolOptions): Tensor {
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new ShapeError(
      `${op}: expects [N, C, ${nd}-D] or [C, ${nd}-D] input (${nd + 1}-D or ${nd + 2}-D), got ${fmt(x.shape)} (${x.ndim}-D).`,
    );
  }
  if (indices.ndim !== x.ndim || indices.shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(
      `${op}: indices ${fmt(indices.shape)} must have the input's shape ${fmt(x.shape)}; pass the indices the max pooling returned with its output.`,
    );
  }
  const k = perDim(op, "kernelSize", opts.kernelSize, nd, 1);
  const s = opts.stride === undefined || opts.stride === null ? k : perDim(op, "stride", opts.stride, nd, 1);
  const p = perDim(op, "padding", opts.padding ?? 0, nd, 0);
  const spatial = x.shape.slice(x.ndim - nd);
  const deflt = spatial.map((h, i) => (h - 1) * s[i]! - 2 * p[i]! + k[i]!);
  let out = deflt;
  if (opts.outputSize !== undefined && opts.outputSize !== null) {
    const given = [...opts.outputSize];
    if (given.length !== nd && given.length !== nd + 2) {
      throw new ValueError(`${op}: outputSize must hold ${nd} or ${nd + 2} sizes, got ${fmt(given)}.`);
    }
    out = given.slice(given.length - nd);
    out.forEach((o, i) => {
      const lo = deflt[i]! - s[i]!,
        hi = deflt[i]! + s[i]!;
      if (!(o > lo && o < hi)) {
        throw new ValueError(
          `${op}: outputSize ${fmt(given)} is invalid: spatial dim ${i} must be strictly between ${lo} and ${hi} (the pooling's input sizes that give this output), got ${o}.`,
        );
      }
    });
  }
  if (out.some((o) => o <= 0))
    throw new ShapeError(`${op}: the output size ${fmt(out)} must be positive; check kernelSize, stride and padding.`);
  const lead = x.shape.slice(0, x.ndim - nd);
  const planes = lead.reduce((a, b) => a * b, 1);
  const inL = spatial.reduce((a, b) => a * b, 1);
  const outL = out.reduce((a, b) => a * b, 1);
  const idx = Int32Array.from(requireIndex(op, "indices", indices));
  const idxFlat = tensor(idx, { dtype: "int32" }).reshape([planes, inL]);
  // the last input naming each output position is the one written, as PyTorch's loop
  const keep = new Uint8Array(planes * inL);
  const last = new Int32Array(outL);
  for (let q = 0; q < planes; q++) {
    last.fill(-1);
    for (let j = 0; j < inL; j++) {
      const v = idx[q * inL + j]!;
      if (!(v >= 0 && v < outL)) {
        throw new ValueError(
          `${op}: index ${v} (plane ${q}, position ${j}) is outside the output plane of ${out.join(" x ")} = ${outL} positions; indices must come from the max pooling this unpooling inverts, with the same kernelSize, stride and padding.`,
        );
      }
      last[v] = j;
    }
    for (let t = 0; t < outL; t++) if (last[t]! >= 0) keep[q * inL + last[t]!] = 1;
  }
  const xs = reshape(x, [planes, inL]);
  const y = noGrad(() => {
    const kept = where(tensor(keep, { dtype: "bool" }).reshape([planes, inL]), xs, 0);
    return reshape(scatterAdd(zeros([planes, outL], { dtype: x.dtype }), 1, idxFlat, kept), [...lead, ...out]);
  });
  return record(`MaxUnpool${nd}DBackward0`, y, [x], (g) => [() => reshape(gather(reshape(g, [planes, outL]), 1, idxFlat), x.shape)]);
}
