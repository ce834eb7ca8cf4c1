// indexSelect / indexAdd / gather / scatterAdd: float64 gradient checks (repeated indices,
// every dim), values against PyTorch 1.13, index validation messages, and the
// gather / scatterAdd adjoint property.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { close, exact, randf64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;
const idx = (v: tl.NestedArray): tl.Tensor => T(v, { dtype: "int32" });

describe("indexing gradcheck (float64)", () => {
  const cases: [string, (...x: tl.Tensor[]) => tl.Tensor, () => tl.Tensor[]][] = [
    ["indexSelect dim 0 with repeats", (x) => x.indexSelect(0, idx([2, 0, 2, 1])), () => [randf64([3, 4], 1)]],
    ["indexSelect dim 1", (x) => x.indexSelect(1, idx([3, 0])), () => [randf64([3, 4], 1)]],
    ["indexSelect dim -1 with repeats", (x) => x.indexSelect(-1, idx([3, 0, 3])), () => [randf64([2, 3, 4], 2)]],
    ["indexSelect with an empty index", (x) => x.indexSelect(0, idx([])).sum().add(x.sum()), () => [randf64([3, 2], 3)]],
    ["indexAdd dim 0 (x and src)", (x, s) => x.indexAdd(0, idx([2, 0, 2]), s), () => [randf64([3, 4], 4), randf64([3, 4], 5)]],
    ["indexAdd dim 1", (x, s) => tl.indexAdd(x, 1, idx([1, 1]), s), () => [randf64([2, 3], 4), randf64([2, 2], 5)]],
    ["indexAdd dim -1, 3-D", (x, s) => x.indexAdd(-1, idx([0, 3]), s), () => [randf64([2, 3, 4], 4), randf64([2, 3, 2], 5)]],
    [
      "gather dim 1",
      (x) =>
        x.gather(
          1,
          idx([
            [0, 0],
            [3, 1],
            [2, 2],
          ]),
        ),
      () => [randf64([3, 4], 6)],
    ],
    ["gather dim 0, index smaller than input", (x) => x.gather(0, idx([[2, 0, 1]])), () => [randf64([3, 4], 6)]],
    ["gather dim -1, 3-D", (x) => tl.gather(x, -1, idx([[[1, 1, 0]], [[2, 0, 0]]])), () => [randf64([2, 2, 3], 7)]],
    [
      "scatterAdd dim 0 (x and src)",
      (x, s) =>
        x.scatterAdd(
          0,
          idx([
            [0, 1, 2, 0],
            [0, 0, 0, 0],
          ]),
          s,
        ),
      () => [randf64([3, 4], 8), randf64([2, 4], 9)],
    ],
    [
      "scatterAdd with src larger than index",
      (x, s) => x.scatterAdd(1, idx([[1], [0]]), s),
      () => [randf64([2, 3], 8), randf64([3, 3], 9)],
    ],
    [
      "scatterAdd dim -1 with repeats",
      (x, s) => tl.scatterAdd(x, -1, idx([[2, 2, 2]]), s),
      () => [randf64([1, 3], 10), randf64([1, 3], 11)],
    ],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, make(), { name });
    });
  }
});

describe("indexing values against PyTorch 1.13", () => {
  const x = tl.arange(12).to("float32").reshape([3, 4]);
  it("indexSelect", () => {
    // torch: index_select(arange(12.).reshape(3,4), 1, tensor([3,0,3])) -> [[3,0,3],[7,4,7],[11,8,11]]
    exact(x.indexSelect(1, idx([3, 0, 3])), [
      [3, 0, 3],
      [7, 4, 7],
      [11, 8, 11],
    ]);
    // torch: ... .sum().backward() -> grad [[1,0,0,2]] * 3 rows
    const g = x.detach().requiresGrad_();
    g.indexSelect(1, idx([3, 0, 3]))
      .sum()
      .backward();
    exact(g.grad, [
      [1, 0, 0, 2],
      [1, 0, 0, 2],
      [1, 0, 0, 2],
    ]);
  });
  it("indexAdd accumulates repeated positions", () => {
    // torch: x.index_add(0, tensor([2,0,2]), [[1]*4,[10]*4,[100]*4]) -> [[10,11,12,13],[4,5,6,7],[109,110,111,112]]
    const src = T([
      [1, 1, 1, 1],
      [10, 10, 10, 10],
      [100, 100, 100, 100],
    ]);
    exact(x.indexAdd(0, idx([2, 0, 2]), src), [
      [10, 11, 12, 13],
      [4, 5, 6, 7],
      [109, 110, 111, 112],
    ]);
    exact(x.select(0, 0), [0, 1, 2, 3]); // out of place: x unchanged
    // int x with float src promotes
    exact(T([1, 2]).indexAdd(0, idx([1]), T([0.5])), [1, 2.5], "float32");
  });
  it("gather", () => {
    // torch: gather(x,1,[[0,0],[3,1],[2,2]]) -> [[0,0],[7,5],[10,10]]; gather(x,0,[[2,0,1,1]]) -> [[8,1,6,7]]
    exact(
      x.gather(
        1,
        idx([
          [0, 0],
          [3, 1],
          [2, 2],
        ]),
      ),
      [
        [0, 0],
        [7, 5],
        [10, 10],
      ],
    );
    exact(x.gather(0, idx([[2, 0, 1, 1]])), [[8, 1, 6, 7]]);
    // torch: ... gather(x,1,[[0,0],[3,1],[2,2]]).sum().backward() -> [[2,0,0,0],[0,1,0,1],[0,0,2,0]]
    const g = x.detach().requiresGrad_();
    g.gather(
      1,
      idx([
        [0, 0],
        [3, 1],
        [2, 2],
      ]),
    )
      .sum()
      .backward();
    exact(g.grad, [
      [2, 0, 0, 0],
      [0, 1, 0, 1],
      [0, 0, 2, 0],
    ]);
  });
  it("scatterAdd uses only src's index-shaped block", () => {
    // torch: zeros(3,4).scatter_add(0, [[0,1,2,0],[0,0,0,0]], arange(1.,13).reshape(3,4))
    //        -> [[6,6,7,12],[0,2,0,0],[0,0,3,0]]
    const src = tl.arange(1, 13).to("float32").reshape([3, 4]);
    exact(
      tl.zeros([3, 4]).scatterAdd(
        0,
        idx([
          [0, 1, 2, 0],
          [0, 0, 0, 0],
        ]),
        src,
      ),
      [
        [6, 6, 7, 12],
        [0, 2, 0, 0],
        [0, 0, 3, 0],
      ],
    );
    // src's gradient is zero outside the used block
    const s = src.to("float64").requiresGrad_();
    tl.zeros([3, 4], { dtype: "float64" })
      .scatterAdd(0, idx([[0, 1, 2, 0]]), s)
      .sum()
      .backward();
    exact(s.grad, [
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });
});

describe("indexing errors", () => {
  const x = tl.zeros([3, 4]);
  it("out-of-range indices name the op, the index, its position and the valid range", () => {
    // torch: "index out of range in self" / "index 4 is out of bounds for dimension 1 with size 4"
    throwsWith(
      () => x.indexSelect(0, idx([0, 3])),
      tl.IndexError,
      /^indexSelect: index 3 \(at position 1\) is out of range for dim 0 of size 3; indices must be in \[0, 2\]/,
    );
    throwsWith(
      () => x.indexSelect(1, idx([-5])),
      tl.IndexError,
      /^indexSelect: index -5 \(at position 0\) is out of range for dim 1 of size 4/,
    );
    throwsWith(() => x.gather(1, idx([[4]])), tl.IndexError, /^gather: index 4 \(at position 0\) is out of range for dim 1 of size 4/);
    throwsWith(
      () => x.indexAdd(0, idx([3]), tl.zeros([1, 4])),
      tl.IndexError,
      /^indexAdd: index 3 \(at position 0\) is out of range for dim 0 of size 3/,
    );
    // torch: "index 3 is out of bounds for dimension 0 with size 3"
    throwsWith(
      () => x.scatterAdd(0, idx([[3]]), tl.ones([1, 1])),
      tl.IndexError,
      /^scatterAdd: index 3 \(at position 0\) is out of range for dim 0 of size 3/,
    );
    throwsWith(() => x.indexSelect(2, idx([0])), tl.IndexError, /^indexSelect: dim 2 is out of range/);
    throwsWith(() => x.gather(-3, idx([[0]])), tl.IndexError, /^gather: dim -3 is out of range/);
  });
  it("negative indices are refused by every index op, as PyTorch (they do not count from the end)", () => {
    // torch 1.13: gather / scatter_add "index -1 is out of bounds for dimension 1 with size 4",
    // index_select "INDICES element is out of DATA bounds, id=-1", index_add "index out of range in self"
    const ops: [string, (v: number, dim: number) => unknown][] = [
      ["indexSelect", (v, d) => x.indexSelect(d, idx([0, v]))],
      ["indexAdd", (v, d) => x.indexAdd(d, idx([0, v]), tl.zeros(d === 0 ? [2, 4] : [3, 2]))],
      ["gather", (v, d) => x.gather(d, idx(d === 0 ? [[0, v]] : [[0], [v]]))],
      ["scatterAdd", (v, d) => x.scatterAdd(d, idx(d === 0 ? [[0, v]] : [[0], [v]]), tl.ones(d === 0 ? [1, 2] : [2, 1]))],
    ];
    for (const [name, run] of ops) {
      for (const dim of [0, 1]) {
        const size = x.shape[dim]!;
        for (let v = -1; v >= -size - 1; v--) {
          throwsWith(
            () => run(v, dim),
            tl.IndexError,
            new RegExp(
              `^${name}: index ${v} \\(at position 1\\) is out of range for dim ${dim} of size ${size}; indices must be in \\[0, ${size - 1}\\]`,
            ),
          );
        }
        // -size .. -1 would be valid Python positions: the message says how to convert them
        throwsWith(() => run(-1, dim), tl.IndexError, new RegExp(`add ${size} to them first`));
      }
    }
  });
  it("index dtype must be int32", () => {
    // torch: "index_select(): Expected dtype int32 or int64 for index"
    throwsWith(
      () => x.indexSelect(0, T([0], { dtype: "float32" })),
      tl.DTypeError,
      /^indexSelect: index must be an int32 tensor of positions, got float32/,
    );
    throwsWith(() => x.gather(0, T([[true]])), tl.DTypeError, /^gather: index must be an int32 tensor of positions, got bool/);
    throwsWith(
      () => x.scatterAdd(0, T([[0]], { dtype: "float64" }), tl.ones([1, 1])),
      tl.DTypeError,
      /^scatterAdd: index must be an int32 tensor/,
    );
    throwsWith(
      () => x.indexAdd(0, T([0], { dtype: "float32" }), tl.ones([1, 4])),
      tl.DTypeError,
      /^indexAdd: index must be an int32 tensor/,
    );
  });
  it("index and src shapes", () => {
    // torch: "index_select(): Index is supposed to be a vector"
    throwsWith(() => x.indexSelect(0, idx([[0]])), tl.ShapeError, /^indexSelect: index must be 1-D, got shape \[1, 1\]/);
    throwsWith(() => x.indexAdd(0, idx([[0], [1]]), tl.zeros([2, 4])), tl.ShapeError, /^indexAdd: index must be 1-D, got shape \[2, 1\]/);
    // torch: "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 0"
    throwsWith(() => x.indexAdd(0, idx([0, 1]), tl.ones([3, 4])), tl.ShapeError, /^indexAdd: src has shape \[3, 4\] but must be \[2, 4\]/);
    // torch: "Index tensor must have the same number of dimensions as input tensor"
    throwsWith(() => x.gather(1, idx([1])), tl.ShapeError, /^gather: index \[1\] must have as many dims as the input \[3, 4\]/);
    // torch: "Size does not match at dimension 0 expected index [4, 1] to be smaller than self [3, 4] apart from dimension 1"
    throwsWith(
      () => x.gather(1, idx([[0], [0], [0], [0]])),
      tl.ShapeError,
      /^gather: index \[4, 1\] is larger than the input \[3, 4\] at dim 0 \(4 > 3\)/,
    );
    throwsWith(
      () => x.scatterAdd(0, idx([[0, 0]]), tl.ones([1, 1])),
      tl.ShapeError,
      /^scatterAdd: src \[1, 1\] must have index's dims and be at least as large as index \[1, 2\]/,
    );
  });
});

describe("indexing properties (fast-check)", () => {
  it("gather and scatterAdd are adjoint: <gather(x, i), y> == <x, scatterAdd(0, i, y)>", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 1 }),
        fc.integer(),
        (a, b, m, dim, seed) => {
          tl.manualSeed(seed);
          const x = tl.randn([a, b], { dtype: "float64" });
          const ishape = dim === 0 ? [m, b] : [a, m];
          const i = tl.randint(0, x.shape[dim]!, ishape);
          const y = tl.randn(ishape, { dtype: "float64" });
          const lhs = x.gather(dim, i).mul(y).sum().item();
          const rhs = x
            .mul(tl.zerosLike(x).scatterAdd(dim, i, y))
            .sum()
            .item();
          assert.ok(Math.abs(lhs - rhs) < 1e-12, `${lhs} vs ${rhs}`);
        },
      ),
      { numRuns: 50, seed: 51 },
    );
  });
  it("indexSelect equals stacking the selected slices", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { maxLength: 5 }), (a, b, picks) => {
        const x = tl.arange(a * b).reshape([a, b]);
        const i = picks.map((p) => p % b);
        const got = x.indexSelect(1, idx(i));
        assert.deepEqual(got.shape, [a, i.length]);
        if (i.length > 0)
          close(
            got,
            tl
              .stack(
                i.map((k) => x.select(1, k)),
                1,
              )
              .toArray(),
          );
      }),
      { numRuns: 50, seed: 52 },
    );
  });
});
