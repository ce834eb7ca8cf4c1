import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const { data } = tl;

describe("DataLoader", () => {
  const x = tl.arange(10).reshape([10, 1]),
    y = tl.arange(10);
  const ds = new data.TensorDataset(x, y);
  it("batches in order, with a short last batch unless dropLast", () => {
    const batches = [...new data.DataLoader(ds, { batchSize: 4 })];
    assert.deepEqual(
      batches.map(([, b]) => Array.from(b!.storage)),
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ],
    );
    assert.equal([...new data.DataLoader(ds, { batchSize: 4, dropLast: true })].length, 2);
  });
  it("shuffles every sample exactly once per epoch, reproducibly with the seed, and keeps pairs aligned", () => {
    tl.manualSeed(5);
    const e1 = [...new data.DataLoader(ds, { batchSize: 3, shuffle: true })];
    const seen = e1.flatMap(([a, b]) => {
      assert.deepEqual(Array.from(a!.storage), Array.from(b!.storage));
      return Array.from(b!.storage);
    });
    assert.deepEqual(
      [...seen].sort((p, q) => p - q),
      [...Array(10).keys()],
    );
    assert.notDeepEqual(seen, [...Array(10).keys()]);
    tl.manualSeed(5);
    assert.deepEqual(
      [...new data.DataLoader(ds, { batchSize: 3, shuffle: true })].flatMap(([, b]) => Array.from(b!.storage)),
      seen,
    );
  });
  it("collates generic datasets (stacking tensors) or with a custom collate", () => {
    const sq: tl.data.Dataset<[tl.Tensor, number]> = { length: 5, get: (i) => [tl.full([2], i), i * i] };
    const [[a, b]] = [...new data.DataLoader(sq, { batchSize: 5 })] as unknown as [[tl.Tensor, tl.Tensor]];
    assert.deepEqual(a.shape, [5, 2]);
    assert.deepEqual(Array.from(b.storage), [0, 1, 4, 9, 16]);
    const sums = [...new data.DataLoader(sq, { batchSize: 2, collate: (s) => s.reduce((acc, [, v]) => acc + v, 0) })];
    assert.deepEqual(sums, [1, 13, 16]);
  });
  it("every epoch of a shuffled loader is a new permutation of all rows; a reseeded generator repeats them", () => {
    const g = new tl.Generator().manualSeed(3);
    const dl = new data.DataLoader(ds, { batchSize: 4, shuffle: true, generator: g });
    const epoch = (): number[] => [...dl].flatMap(([, b]) => Array.from(b!.storage));
    const e1 = epoch(),
      e2 = epoch();
    for (const e of [e1, e2])
      assert.deepEqual(
        [...e].sort((p, q) => p - q),
        [...Array(10).keys()],
      );
    assert.notDeepEqual(e1, e2);
    g.manualSeed(3);
    assert.deepEqual(epoch(), e1);
    // dropLast leaves out a different remainder each epoch, never a partial batch
    const dropped = new data.DataLoader(ds, { batchSize: 4, shuffle: true, dropLast: true, generator: g });
    for (let k = 0; k < 3; k++)
      assert.deepEqual(
        [...dropped].map(([a]) => a!.shape[0]),
        [4, 4],
      );
  });
  it("takes arrays as datasets and collates numbers, booleans, tuples and objects as torch's default_collate", () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ x: tl.full([2], i), label: i % 3, w: i / 4, keep: i % 2 === 0 }));
    const [b] = [...new data.DataLoader(rows, { batchSize: 5 })] as unknown as [Record<string, tl.Tensor>];
    assert.deepEqual(b!.x!.shape, [5, 2]);
    assert.equal(b!.label!.dtype, "int32");
    assert.equal(b!.w!.dtype, "float64");
    assert.deepEqual(b!.keep!.toArray(), [true, false, true, false, true]);
    assert.equal(new data.Subset(rows, [4, 1]).get(-1), rows[1]);
    assert.throws(
      () => new data.DataLoader({ length: 3 } as never),
      /^ValueError: DataLoader: the dataset must be an array of samples or an object with/,
    );
    assert.throws(() => data.defaultCollate([[1, 2], [3]]), /sample 0 has 2 elements but sample 1 has 1/);
    assert.throws(() => data.defaultCollate([1, "a"]), /sample 0 holds number but sample 1 holds string/);
    assert.throws(() => new data.DataLoader([], { shuffle: true }), /shuffle needs a non-empty dataset/);
  });
  it("randomSplit partitions reproducibly by counts or fractions; errors name the rule", () => {
    tl.manualSeed(1);
    const [a, b] = data.randomSplit(ds, [7, 3]);
    assert.equal(a!.length + b!.length, 10);
    assert.equal(new Set([...a!.indices, ...b!.indices]).size, 10);
    assert.deepEqual(
      data.randomSplit(ds, [0.8, 0.2]).map((s) => s.length),
      [8, 2],
    );
    assert.throws(() => data.randomSplit(ds, [5, 4]), /must be non-negative integers summing to the dataset size 10/);
    assert.throws(() => new data.TensorDataset(tl.zeros([3]), tl.zeros([4])), /tensor 0 has 3 rows but tensor 1 has shape \[4\]/);
  });
});
