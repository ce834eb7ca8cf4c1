// Lookup tables for token inputs: F.embedding and nn.Embedding, as torch.nn.functional.embedding
// and torch.nn.Embedding (paddingIdx, maxNorm, scaleGradByFreq). Built on indexSelect, whose
// gradient is indexAdd; no sparse gradients.

import type { Tensor } from "../tensor/tensor.js";
import { DTypeError, IndexError, ShapeError, UnsupportedKernelError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { isFloat } from "../tensor/dtype.js";
import { empty, ones, tensor, zeros } from "../tensor/create.js";
import { noGrad } from "../autograd/graph.js";
import { asOp } from "../tensor/opContext.js";
import { add, div, mul, ne, sub } from "../ops/binary.js";
import { checkIndexValues, indexAdd, indexSelect } from "../ops/indexing.js";
import { detach, reshape } from "../ops/movement.js";
import { syncViews } from "../ops/inplace.js";
import { normal_ } from "./init.js";
import { Module, Parameter } from "./module.js";

/** Options of F.embedding: paddingIdx, maxNorm, normType, scaleGradByFreq; torch.nn.functional.embedding's keyword arguments as an object (no sparse gradients). */
export interface EmbeddingOptions {
  /** This row gets no gradient (negative counts from the end); nn.Embedding also initialises it to zeros. */
  paddingIdx?: number | null;
  /** Rows looked up with a larger normType-norm are rescaled to this norm, in place, before the lookup. */
  maxNorm?: number | null;
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in this input. */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported; passing true is an error. */
  sparse?: boolean;
}

/** paddingIdx in [-num, num), as a row number. */
function normPaddingIdx(op: string, paddingIdx: number | null | undefined, num: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -num || paddingIdx >= num) {
    throw new ValueError(`${op}: paddingIdx ${paddingIdx} must be an integer within the ${num} embeddings, in [${-num}, ${num - 1}].`);
  }
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

/** Rescale, in place and outside the graph, the looked-up rows whose norm exceeds maxNorm (torch.embedding_renorm_). */
function renorm_(weight: Tensor, idx: Int32Array, maxNorm: number, normType: number): void {
  const [num, dim] = weight.shape as [number, number];
  const w = weight.storage;
  const done = new Uint8Array(num);
  for (const r of idx) {
    if (done[r]) continue;
    done[r] = 1;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const a = Math.abs(w[r * dim + j]!);
      norm = normType === Infinity ? Math.max(norm, a) : norm + a ** normType;
    }
    if (normType !== Infinity) norm **= 1 / normType;
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7); // PyTorch's epsilon
      for (let j = 0; j < dim; j++) w[r * dim + j]! *= scale;
    }
  }
  weight.version.v++;
  syncViews(weight);
}

/**
 * Rows of `weight` picked by the int32 indices in `input`, as torch.nn.functional.embedding.
 * The gradient of a row is the sum of the output gradients where its index occurs, zero for
 * paddingIdx, divided by the index's count with scaleGradByFreq.
 * **Shape**: input [*] (int32), weight [num, dim] -> [*, dim].
 * @example F.embedding(tl.tensor([[0, 2], [1, 0]]), tl.ones([3, 4])) // shape [2, 2, 4]
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  return asOp("embedding", () => embeddingOf(input, weight, opts));
}

function embeddingOf(input: Tensor, weight: Tensor, opts: EmbeddingOptions): Tensor {
  if (input.dtype !== "int32") {
    throw new DTypeError(
      `embedding: input must hold int32 indices, got ${input.dtype} ${fmt(input.shape)}. Convert it with input.to("int32").`,
    );
  }
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got ${fmt(weight.shape)}.`);
  if (!isFloat(weight.dtype)) throw new DTypeError(`embedding: weight must be a float tensor, got ${weight.dtype}.`);
  if (opts.sparse)
    throw new ValueError(`embedding: sparse gradients are not supported; pass sparse: false (dense gradients are the same values).`);
  const [num, dim] = weight.shape as [number, number];
  checkIndexValues(
    input,
    num,
    null,
    (v, i) =>
      new IndexError(
        `embedding: index ${v} (at flat position ${i} of input ${fmt(input.shape)}) is out of range for ${num} embeddings; indices must be in [0, ${num - 1}].`,
      ),
  );
  const pad = normPaddingIdx("embedding", opts.paddingIdx, num);
  const onDevice = input.deviceStorage?.hostAddressable === false;
  if (opts.maxNorm !== null && opts.maxNorm !== undefined) {
    if (onDevice)
      throw new UnsupportedKernelError(
        `embedding: maxNorm renormalizes the looked-up rows of weight in place, which reads the indices on the host, and these indices are on the GPU. Read them first (tl.tensor(await input.array(), { dtype: "int32" })), or renormalize the weight yourself.`,
      );
    const normType = opts.normType ?? 2;
    if (!(opts.maxNorm > 0)) throw new ValueError(`embedding: maxNorm must be positive, got ${opts.maxNorm}.`);
    if (!(normType > 0)) throw new ValueError(`embedding: normType must be positive, got ${normType}.`);
    noGrad(() => renorm_(weight, input.storage as Int32Array, opts.maxNorm!, normType));
  }
  const flatIdx = input.ndim === 1 ? input : reshape(input, [input.numel()]);
  let rows = indexSelect(weight, 0, flatIdx); // [N, dim]
  if ((pad !== null || opts.scaleGradByFreq) && rows.requiresGrad) {
    // Scale the gradient reaching each looked-up row by s (0 at padding, 1/count with
    // scaleGradByFreq) while keeping the values exact: rows - detach(rows) is exactly 0, so
    // detach(rows) + (rows - detach(rows)) * s == rows, and d/d rows = s.
    const fixed = detach(rows);
    rows = add(fixed, mul(sub(rows, fixed), rowFactors(flatIdx, weight, pad, opts.scaleGradByFreq ?? false, onDevice)));
  }
  return reshape(rows, [...input.shape, dim]);
}

/**
 * The gradient factor of each looked-up row, [N, 1] (stated, since N may be 0): 0 at padding,
 * 1/count with scaleGradByFreq, else 1. Host indices are counted here; indices on the GPU (a GPU
 * op made them, e.g. a sampling step's argmax) cannot be read, so there the factors are tensor
 * ops (counts by indexAdd, the division in the weight's dtype).
 */
function rowFactors(flatIdx: Tensor, weight: Tensor, pad: number | null, byFreq: boolean, onDevice: boolean): Tensor {
  const n = flatIdx.numel(),
    dtype = weight.dtype;
  if (!onDevice) {
    const idx = flatIdx.storage as Int32Array;
    const count = new Map<number, number>();
    for (const v of idx) count.set(v, (count.get(v) ?? 0) + 1);
    return tensor(
      Array.from(idx, (v) => (v === pad ? 0 : byFreq ? 1 / count.get(v)! : 1)),
      { dtype, shape: [n, 1] },
    );
  }
  let s = pad === null ? ones([n], { dtype }) : ne(flatIdx, pad).to(dtype);
  if (byFreq) s = div(s, indexSelect(indexAdd(zeros([weight.shape[0]!], { dtype }), 0, flatIdx, ones([n], { dtype })), 0, flatIdx));
  return reshape(s, [n, 1]);
}

/** Options of nn.Embedding: F.embedding's (paddingIdx, maxNorm, normType, scaleGradByFreq) plus dtype; torch.nn.Embedding's keyword arguments as an object. */
export interface EmbeddingModuleOptions extends EmbeddingOptions {
  dtype?: "float32" | "float64";
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as torch.nn.Embedding. The
 * weight is drawn from N(0, 1) (the seeded generator), with the paddingIdx row set to zeros.
 * **Shape**: input [*] (int32) -> [*, embeddingDim]. State: weight [numEmbeddings, embeddingDim].
 * @example new tl.nn.Embedding(10, 3, { paddingIdx: 0 }).forward(tl.tensor([1, 0, 9])) // shape [3, 3]
 */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim], N(0, 1) at start with the paddingIdx row zero, as torch.nn.Embedding.weight. */
  readonly weight: Parameter;
  /** The row that gets no gradient (normalised to non-negative), or null, as torch.nn.Embedding.padding_idx. */
  readonly paddingIdx: number | null;

  constructor(
    /** The number of rows (the vocabulary size), as torch.nn.Embedding.num_embeddings. */ readonly numEmbeddings: number,
    /** The size of each row, as torch.nn.Embedding.embedding_dim. */ readonly embeddingDim: number,
    /** The options given at construction (paddingIdx, maxNorm, normType, scaleGradByFreq, dtype). */ readonly opts: EmbeddingModuleOptions = {},
  ) {
    super();
    for (const [n, v] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Embedding: ${n} must be a non-negative integer, got ${v}.`);
    }
    this.paddingIdx = normPaddingIdx("Embedding", opts.paddingIdx, numEmbeddings);
    const w = normal_(empty([numEmbeddings, embeddingDim], opts.dtype ? { dtype: opts.dtype } : {}));
    if (this.paddingIdx !== null) w.storage.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = this.registerParameter("weight", new Parameter(w));
  }

  /** An Embedding holding `embeddings` [num, dim] (copied), frozen unless freeze is false, as Embedding.from_pretrained. */
  static fromPretrained(embeddings: Tensor, opts: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.ndim !== 2)
      throw new ShapeError(`Embedding.fromPretrained: embeddings must be 2-D [num, dim], got ${fmt(embeddings.shape)}.`);
    if (!isFloat(embeddings.dtype))
      throw new DTypeError(`Embedding.fromPretrained: embeddings must be float32 or float64, got ${embeddings.dtype}.`);
    const { freeze = true, ...rest } = opts;
    const e = new Embedding(embeddings.shape[0]!, embeddings.shape[1]!, { ...rest, dtype: embeddings.dtype as "float32" | "float64" });
    e.loadStateDict({ weight: embeddings });
    e.weight.requiresGrad = !freeze;
    return e;
  }

  forward(input: Tensor): Tensor {
    const { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse } = this.opts;
    return embedding(input, this.weight, { paddingIdx, maxNorm, normType, scaleGradByFreq, sparse });
  }

  protected override extraRepr(): string {
    const parts = [String(this.numEmbeddings), String(this.embeddingDim)];
    if (this.paddingIdx !== null) parts.push(`padding_idx=${this.paddingIdx}`);
    if (this.opts.maxNorm != null) parts.push(`max_norm=${this.opts.maxNorm}`);
    if (this.opts.scaleGradByFreq) parts.push("scale_grad_by_freq=True");
    return parts.join(", ");
  }
}
