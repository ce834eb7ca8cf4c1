// Datasets and batching, as torch.utils.data: a Dataset is anything with a length and an
// item getter; TensorDataset indexes tensors along dim 0; DataLoader batches (shuffling with
// the seeded generator), and randomSplit partitions reproducibly.

import { ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { type Generator, defaultGenerator } from "../tensor/random.js";
import { randperm } from "../tensor/create.js";
import { indexSelect } from "../ops/indexing.js";
import { stack } from "../ops/join.js";

/** A map-style dataset: `length` and `get(i)`, as torch.utils.data.Dataset's __len__ and __getitem__. */
export interface Dataset<T> {
  /** The number of samples, as __len__. */
  readonly length: number;
  /** Sample `index` (0-based), as __getitem__. */
  get(index: number): T;
}

/**
 * What DataLoader, Subset and randomSplit take: a Dataset, or an array of samples (as PyTorch
 * takes a Python list).
 */
export type DatasetLike<T> = Dataset<T> | readonly T[];

/** Sample `index` of a dataset or an array; an array refuses positions outside [-n, n). */
function itemOf<T>(op: string, d: DatasetLike<T>, index: number): T {
  if (!isArray(d)) return d.get(index);
  const n = d.length;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new ValueError(`${op}: index ${index} is out of range for ${n} samples; it must be an integer in [${-n}, ${n - 1}].`);
  }
  return d[index < 0 ? index + n : index]!;
}

const isArray = <T>(d: DatasetLike<T>): d is readonly T[] => Array.isArray(d);

/** Refuse what is neither a Dataset nor an array, naming the op. */
function checkDataset(op: string, d: unknown): void {
  if (Array.isArray(d)) return;
  const ds = d as Dataset<unknown> | null | undefined;
  if (ds === null || typeof ds !== "object" || typeof ds.get !== "function" || !Number.isInteger(ds.length) || ds.length < 0) {
    throw new ValueError(
      `${op}: the dataset must be an array of samples or an object with a non-negative integer length and get(index), got ${d === null ? "null" : typeof d}. Wrap the data in tl.data.TensorDataset or pass an array.`,
    );
  }
}

/** Samples are the i-th rows of each tensor (all share dim 0). */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors whose rows are the samples (all share dim 0), as torch.utils.data.TensorDataset.tensors. */
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: needs at least one tensor.");
    const n = tensors[0]!.shape[0];
    tensors.forEach((t, i) => {
      if (t.ndim === 0 || t.shape[0] !== n)
        throw new ValueError(
          `TensorDataset: size mismatch between tensors: tensor 0 has ${n} rows but tensor ${i} has shape ${fmt(t.shape)}; all must share dim 0.`,
        );
    });
    this.tensors = tensors;
  }
  /** The number of samples (the tensors' dim 0), as len(dataset). */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }
  /** Sample `index`: row `index` of every tensor, as dataset[index]. */
  get(index: number): Tensor[] {
    return this.tensors.map((t) => t.select(0, index));
  }
  /** Rows at many positions at once (what DataLoader uses for a TensorDataset: one gather per tensor). */
  rows(indices: Tensor): Tensor[] {
    return this.tensors.map((t) => indexSelect(t, 0, indices));
  }
}

/** A view of a dataset through a list of indices (randomSplit's parts). */
export class Subset<T> implements Dataset<T> {
  constructor(
    /** The dataset (or array of samples) the subset reads from, as torch.utils.data.Subset.dataset. */ readonly dataset: DatasetLike<T>,
    /** The positions in `dataset` this subset holds, in order, as torch.utils.data.Subset.indices. */ readonly indices: readonly number[],
  ) {
    checkDataset("Subset", dataset);
  }
  /** The number of indices, as len(subset). */
  get length(): number {
    return this.indices.length;
  }
  /** The parent's sample at indices[index], as subset[index]. */
  get(index: number): T {
    const n = this.indices.length;
    // negative positions count from the end, as Python's list indexing in torch's Subset
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new ValueError(`Subset: index ${index} is out of range for ${n} items; it must be an integer in [${-n}, ${n - 1}].`);
    }
    return itemOf("Subset", this.dataset, this.indices[index < 0 ? index + n : index]!);
  }
}

/**
 * Batch samples as torch's default_collate: tensors are stacked along a new batch dim; numbers
 * become a tensor, int32 when every one is an integer (PyTorch's int64 for Python ints), else
 * float64 (PyTorch's float64 for Python floats); booleans a bool tensor; arrays (tuples) and plain
 * objects (dicts) are collated position by position or key by key.
 */
export function defaultCollate(samples: unknown[]): unknown {
  if (samples.length === 0) throw new ValueError("defaultCollate: no samples to batch; a batch needs at least one sample.");
  const first = samples[0];
  const kind = (v: unknown): string => (v instanceof TensorClass ? "Tensor" : Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  const k = kind(first);
  samples.forEach((v, i) => {
    if (kind(v) !== k)
      throw new ValueError(
        `defaultCollate: sample 0 holds ${k} but sample ${i} holds ${kind(v)} at the same place; every sample must have the same structure.`,
      );
  });
  if (first instanceof TensorClass) return stack(samples as Tensor[]);
  if (typeof first === "number") {
    const vals = samples as number[];
    return vals.every(Number.isInteger)
      ? new TensorClass(Int32Array.from(vals), [vals.length])
      : new TensorClass(Float64Array.from(vals), [vals.length]);
  }
  if (typeof first === "boolean") return new TensorClass(Uint8Array.from(samples as boolean[], Number), [samples.length]);
  if (Array.isArray(first)) {
    samples.forEach((s, i) => {
      if ((s as unknown[]).length !== first.length)
        throw new ValueError(
          `defaultCollate: sample 0 has ${first.length} elements but sample ${i} has ${(s as unknown[]).length}; each element in the batch must be of equal size.`,
        );
    });
    return first.map((_, j) => defaultCollate(samples.map((s) => (s as unknown[])[j])));
  }
  if (first !== null && typeof first === "object" && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(samples.map((s) => (s as Record<string, unknown>)[key]));
    return out;
  }
  throw new ValueError(`defaultCollate: cannot batch samples of type ${k}; pass a collate function.`);
}

/** Options of DataLoader: batchSize (default 1), shuffle, dropLast, generator, collate; torch.utils.data.DataLoader's keywords, camelCase (no workers: batches are built on the calling thread). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null turns batching off, as PyTorch's batch_size=None: each sample is yielded as it is (through collate when given). */
  batchSize?: number | null;
  shuffle?: boolean;
  dropLast?: boolean;
  generator?: Generator;
  collate?: (samples: T[]) => B;
}

/**
 * Iterates over a dataset in batches. With shuffle, each pass draws a new permutation from the
 * seeded generator (tl.manualSeed makes epochs reproducible).
 * @example new tl.data.DataLoader(new tl.data.TensorDataset(tl.zeros([10, 2])), { batchSize: 4 }).length // => 3
 */
export class DataLoader<T = Tensor[], B = Tensor[]> implements Iterable<B> {
  /** Samples per batch (default 1), as DataLoader.batch_size; null when batching is off (each sample yielded alone). */
  readonly batchSize: number | null;
  /** Whether each pass draws a new permutation from the generator. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is left out, as DataLoader.drop_last. */
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate?: (samples: T[]) => B;

  constructor(
    /** The dataset (or array of samples) batches are drawn from, as torch.utils.data.DataLoader.dataset. */ readonly dataset: DatasetLike<T>,
    opts: DataLoaderOptions<T, B> = {},
  ) {
    checkDataset("DataLoader", dataset);
    this.batchSize = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (this.batchSize !== null && (!Number.isInteger(this.batchSize) || this.batchSize < 1))
      throw new ValueError(`DataLoader: batchSize must be a positive integer (or null for no batching), got ${opts.batchSize}.`);
    this.shuffle = opts.shuffle ?? false;
    // PyTorch's RandomSampler refuses an empty dataset when the loader is made
    if (this.shuffle && dataset.length === 0) {
      throw new ValueError(
        "DataLoader: shuffle needs a non-empty dataset, but this one has 0 samples (PyTorch's RandomSampler refuses it too). Check the dataset, or pass shuffle: false.",
      );
    }
    this.dropLast = opts.dropLast ?? false;
    if (this.batchSize === null && this.dropLast) {
      throw new ValueError(
        "DataLoader: batchSize null turns batching off, so there is no last batch for dropLast to drop (PyTorch refuses the pair too). Pass a batchSize, or leave dropLast out.",
      );
    }
    this.generator = opts.generator ?? defaultGenerator;
    this.collate = opts.collate;
  }

  /** Number of batches per pass. */
  get length(): number {
    const n = this.dataset.length;
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? randperm(n, { generator: this.generator }) : null;
    if (this.batchSize === null) {
      // no batching: each sample as it is, or through collate (PyTorch applies collate_fn per sample)
      for (let i = 0; i < n; i++) {
        const sample = itemOf("DataLoader", this.dataset, order ? order.storage[i]! : i);
        yield this.collate ? this.collate(sample as unknown as T[]) : (sample as unknown as B);
      }
      return;
    }
    const batch = this.batchSize;
    for (let b = 0; b < this.length; b++) {
      const start = b * batch,
        size = Math.min(batch, n - start);
      if (!this.collate && this.dataset instanceof TensorDataset) {
        const idx = order
          ? order.narrow(0, start, size)
          : new TensorClass(
              Int32Array.from({ length: size }, (_, i) => start + i),
              [size],
            );
        yield this.dataset.rows(idx) as unknown as B;
        continue;
      }
      const samples: T[] = [];
      for (let i = start; i < start + size; i++) samples.push(itemOf("DataLoader", this.dataset, order ? order.storage[i]! : i));
      yield this.collate ? this.collate(samples) : (defaultCollate(samples) as B);
    }
  }
}

/** Split a dataset into non-overlapping parts of the given lengths (or fractions summing to 1), reproducibly. */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  checkDataset("randomSplit", dataset);
  const n = dataset.length;
  let sizes = lengths.slice();
  // PyTorch's rule: lengths that are each in [0, 1] and sum to 1 are fractions, even when they
  // are whole numbers ([1, 0] gives every sample to the first part)
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.length > 0 && sizes.every((v) => v >= 0 && v <= 1) && Math.abs(total - 1) <= 1e-9 && total <= 1 + 1e-12) {
    sizes = sizes.map((f) => Math.floor(f * n));
    for (let i = 0; sizes.reduce((a, b) => a + b, 0) < n; i++) sizes[i % sizes.length]!++;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ValueError(
      `randomSplit: lengths [${lengths.join(", ")}] must be non-negative integers summing to the dataset size ${n}, or fractions summing to 1.`,
    );
  }
  const perm = randperm(n, { generator });
  let at = 0;
  return sizes.map((s) => new Subset(dataset, Array.from(perm.storage.subarray(at, (at += s)))));
}
