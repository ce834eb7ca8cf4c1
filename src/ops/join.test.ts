// cat / stack / split / chunk / unbind: float64 gradient checks, values and dtype promotion
// against PyTorch 1.13, error messages, and the cat-split / stack-unbind inverse properties.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { exact, randf64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

/** Join pieces back with distinct weights, so each piece's gradient is checked separately. */
const weighted = (pieces: tl.Tensor[], dim: number): tl.Tensor =>
  tl.cat(
    pieces.map((p, i) => p.mul(i + 1)),
    dim,
  );

describe("join gradcheck (float64)", () => {
  const cases: [string, (...x: tl.Tensor[]) => tl.Tensor, () => tl.Tensor[]][] = [
    ["cat dim 0", (a, b) => tl.cat([a, b]), () => [randf64([2, 3], 1), randf64([4, 3], 2)]],
    ["cat dim 1 of three", (a, b, c) => tl.cat([a, b, c], 1), () => [randf64([2, 1], 1), randf64([2, 3], 2), randf64([2, 2], 3)]],
    ["cat dim -1 (3-D)", (a, b) => tl.cat([a, b], -1), () => [randf64([2, 3, 1], 1), randf64([2, 3, 2], 2)]],
    ["cat the same tensor twice", (a) => tl.cat([a, a.mul(2)], 0), () => [randf64([2, 2], 4)]],
    ["cat skipping a 1-D empty tensor", (a) => tl.cat([a, tl.zeros([0], { dtype: "float64" })], 1), () => [randf64([2, 3], 5)]],
    ["stack dim 0", (a, b) => tl.stack([a, b]), () => [randf64([2, 3], 1), randf64([2, 3], 2)]],
    ["stack dim 1", (a, b) => tl.stack([a, b], 1), () => [randf64([2, 3], 1), randf64([2, 3], 2)]],
    ["stack dim -1", (a, b, c) => tl.stack([a, b, c], -1), () => [randf64([4], 1), randf64([4], 2), randf64([4], 3)]],
    ["split by size (last piece smaller)", (x) => weighted(tl.split(x, 2, 1), 1), () => [randf64([3, 5], 6)]],
    ["split by sections", (x) => weighted(x.split([1, 0, 3], 0), 0), () => [randf64([4, 2], 7)]],
    ["split dim -1, one piece unused", (x) => x.split(2, -1)[1]!.mul(3), () => [randf64([2, 5], 8)]],
    ["chunk", (x) => weighted(x.chunk(3, 1), 1), () => [randf64([2, 7], 9)]],
    ["chunk dim -2", (x) => weighted(tl.chunk(x, 2, -2), -2), () => [randf64([5, 3], 10)]],
    ["unbind", (x) => tl.stack(x.unbind(1).map((p, i) => p.mul(i + 1))), () => [randf64([2, 3], 11)]],
    ["unbind dim -1", (x) => tl.stack(tl.unbind(x, -1).reverse(), 0), () => [randf64([2, 3], 12)]],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, make(), { name });
    });
  }
});

describe("join values against PyTorch 1.13", () => {
  it("split and chunk piece sizes", () => {
    // torch: chunk(arange(6),4) -> [[0,1],[2,3],[4,5]]; chunk(arange(5),3) -> [[0,1],[2,3],[4]];
    //        split(arange(5),2) -> [[0,1],[2,3],[4]]; chunk(arange(2),4) -> [[0],[1]]
    assert.deepEqual(
      tl
        .arange(6)
        .chunk(4)
        .map((c) => c.toArray()),
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
    );
    assert.deepEqual(
      tl
        .arange(5)
        .chunk(3)
        .map((c) => c.toArray()),
      [[0, 1], [2, 3], [4]],
    );
    assert.deepEqual(
      tl
        .arange(5)
        .split(2)
        .map((c) => c.toArray()),
      [[0, 1], [2, 3], [4]],
    );
    assert.deepEqual(
      tl
        .arange(2)
        .chunk(4)
        .map((c) => c.toArray()),
      [[0], [1]],
    );
    assert.deepEqual(
      tl
        .arange(5)
        .split([2, 0, 3])
        .map((c) => c.toArray()),
      [[0, 1], [], [2, 3, 4]],
    );
  });
  it("cat promotes dtypes and skips 1-D empty tensors", () => {
    // torch: cat([tensor([1,2]), tensor([0.5])]) -> [1., 2., 0.5]; cat([tensor([True]), tensor([2])]) -> [1, 2]
    exact(tl.cat([T([1, 2]), T([0.5])]), [1, 2, 0.5], "float32");
    exact(tl.cat([T([true]), T([2])]), [1, 2], "int32");
    // torch: cat([ones(2,3), tensor([])]).shape -> [2, 3]
    assert.deepEqual(tl.cat([tl.ones([2, 3]), T([])]).shape, [2, 3]);
    exact(
      tl.cat([
        T([[1, 2]]),
        T([
          [3, 4],
          [5, 6],
        ]),
      ]),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    );
    exact(
      tl.cat(
        [
          T([[1], [2]]),
          T([
            [3, 4],
            [5, 6],
          ]),
        ],
        1,
      ),
      [
        [1, 3, 4],
        [2, 5, 6],
      ],
    );
  });
  it("stack along the last dim interleaves", () => {
    // torch: stack([tensor([1,2]), tensor([3,4])], -1) -> [[1,3],[2,4]]
    exact(tl.stack([T([1, 2]), T([3, 4])], -1), [
      [1, 3],
      [2, 4],
    ]);
    exact(tl.stack([T(1), T(2)]), [1, 2]);
  });
  it("cat's gradient to an int-promoted float32 input comes back float32", () => {
    const a = T([1, 2], { dtype: "float32", requiresGrad: true });
    const b = T([3], { dtype: "float64", requiresGrad: true });
    tl.cat([a, b])
      .mul(T([1, 2, 3], { dtype: "float64" }))
      .sum()
      .backward();
    exact(a.grad, [1, 2], "float32");
    exact(b.grad, [3], "float64");
  });
});

describe("join errors", () => {
  it("cat", () => {
    // torch: "torch.cat(): expected a non-empty list of Tensors"
    throwsWith(() => tl.cat([]), tl.ValueError, /^cat: expected a non-empty array of tensors, got \[\]/);
    // torch: "Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list."
    throwsWith(
      () => tl.cat([tl.ones([2, 3]), tl.ones([2, 4])]),
      tl.ShapeError,
      /^cat: tensor 1 has shape \[2, 4\] but tensor 0 has \[2, 3\]; all sizes except dim 0 must match/,
    );
    throwsWith(() => tl.cat([tl.ones([2, 3]), tl.ones([2, 3, 1])], 1), tl.ShapeError, /^cat: tensor 1 has shape \[2, 3, 1\]/);
    throwsWith(() => tl.cat([tl.ones([2, 3]), tl.ones([2, 4])], 2), tl.IndexError, /^cat: dim 2 is out of range for a tensor with 2 dims/);
    // torch: "zero-dimensional tensor (at position 0) cannot be concatenated"
    throwsWith(() => tl.cat([T(1), T(2)]), tl.ShapeError, /^cat: zero-dimensional tensors cannot be concatenated/);
  });
  it("stack", () => {
    // torch: "stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1"
    throwsWith(
      () => tl.stack([tl.ones([2]), tl.ones([3])]),
      tl.ShapeError,
      /^stack: expects each tensor to be equal size, but tensor 0 has \[2\] and tensor 1 has \[3\]/,
    );
    throwsWith(() => tl.stack([tl.ones([2])], 2), tl.IndexError, /^stack: dim 2 is out of range for a tensor with 2 dims/);
    throwsWith(() => tl.stack([]), tl.ValueError, /^stack: expected a non-empty array of tensors/);
  });
  it("split / chunk / unbind", () => {
    // torch: "split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), but got split_sizes=[2, 2]"
    throwsWith(() => tl.ones([5]).split([2, 2]), tl.ShapeError, /^split: sections \[2, 2\] sum to 4 but dim 0 has size 5/);
    throwsWith(() => tl.ones([5]).split([6, -1]), tl.ValueError, /^split: sections must be non-negative integers, got \[6, -1\]/);
    // [1.5, 1.5] sums to 3 = the dim's size: the message names the fractions, not the sum
    throwsWith(() => tl.ones([3]).split([1.5, 1.5]), tl.ValueError, /^split: sections must be non-negative integers, got \[1.5, 1.5\]/);
    throwsWith(() => tl.ones([5]).split(0), tl.ValueError, /^split: split size must be a positive integer, got 0/);
    throwsWith(() => tl.ones([5]).split(2, 1), tl.IndexError, /^split: dim 1 is out of range/);
    // torch: "chunk expects `chunks` to be greater than 0, got: 0"
    throwsWith(() => tl.ones([5]).chunk(0), tl.ValueError, /^chunk: chunks must be a positive integer, got 0/);
    throwsWith(() => tl.ones([5]).unbind(1), tl.IndexError, /^unbind: dim 1 is out of range/);
  });
});

describe("join properties (fast-check)", () => {
  const shapeDim = fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
    .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 })));
  it("cat(split(x)) == x and split(cat(parts)) == parts", () => {
    fc.assert(
      fc.property(shapeDim, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }), ([s, d], sizes) => {
        const n = s.reduce((a, b) => a * b, 1);
        const shape = s.map((v, i) => (i === d ? sizes.reduce((a, b) => a + b, 0) : v));
        const x = tl.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);
        const parts = x.split(sizes, d);
        assert.deepEqual(
          parts.map((p) => p.shape[d]),
          sizes,
        );
        exact(tl.cat(parts, d), x.toArray());
        // the other direction: pieces made independently
        const pieces = [tl.arange(n).reshape(s), tl.arange(n).reshape(s).mul(-1)];
        const joined = tl.cat(pieces, d);
        const back = joined.split(s[d]!, d);
        assert.equal(back.length, 2);
        exact(back[0], pieces[0]!.toArray());
        exact(back[1], pieces[1]!.toArray());
      }),
      { numRuns: 50, seed: 41 },
    );
  });
  it("stack then unbind gives the pieces back; chunk then cat is the identity", () => {
    fc.assert(
      fc.property(shapeDim, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), ([s, d], k, chunks) => {
        const pieces = Array.from({ length: k }, (_, i) => tl.full(s, i));
        const st = tl.stack(pieces, d);
        const back = st.unbind(d);
        assert.equal(back.length, k);
        back.forEach((b, i) => exact(b, pieces[i]!.toArray()));
        const x = tl.arange(s.reduce((a, b) => a * b, 1)).reshape(s);
        const cs = x.chunk(chunks, d);
        assert.ok(cs.length <= chunks);
        exact(tl.cat(cs, d), x.toArray());
      }),
      { numRuns: 50, seed: 42 },
    );
  });
});
