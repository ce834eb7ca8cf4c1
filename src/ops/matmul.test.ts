// matmul / mm: float64 gradient checks for every rank combination (1-D promotion, batch
// broadcasting, the folded [..., k] @ [k, n] path) and for mm's four transpose modes; result
// shapes against PyTorch 1.13; values against the definition; error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { close, exact, randf64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

/** C[i][j] = sum_p A[i][p] B[p][j], for 2-D nested arrays (the definition). */
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, p) => s + v * b[p]![j]!, 0)));
}

describe("matmul gradcheck (float64)", () => {
  const pairs: [number[], number[]][] = [
    [[3], [3]],
    [[3], [3, 4]],
    [[2, 3], [3]],
    [
      [2, 3],
      [3, 4],
    ],
    [[5, 2, 3], [3]],
    [[3], [5, 3, 4]],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [4, 5],
      [2, 5, 3],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [
      [1, 2, 3],
      [4, 3, 2],
    ],
  ];
  for (const [sa, sb] of pairs) {
    it(`matmul [${sa}] @ [${sb}]`, () => {
      tl.gradCheck((a, b) => a.matmul(b), [randf64(sa, 1), randf64(sb, 2)], { name: `matmul ${sa} ${sb}` });
    });
  }
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`mm transA=${ta} transB=${tb}`, () => {
      const a = randf64(ta ? [4, 2] : [2, 4], 3),
        b = randf64(tb ? [3, 4] : [4, 3], 4);
      tl.gradCheck((a, b) => tl.mm(a, b, ta, tb), [a, b], { name: "mm" });
    });
    it(`mm batched A, shared B, transA=${ta} transB=${tb}`, () => {
      const a = randf64(ta ? [2, 4, 2] : [2, 2, 4], 5),
        b = randf64(tb ? [3, 4] : [4, 3], 6);
      tl.gradCheck((a, b) => tl.mm(a, b, ta, tb), [a, b], { name: "mm batched" });
    });
  }
  it("mm shared A, batched B", () => {
    tl.gradCheck((a, b) => tl.mm(a, b), [randf64([2, 4], 7), randf64([3, 4, 2], 8)], { name: "mm shared A" });
  });
  it("matmul with the same tensor on both sides (x^T x)", () => {
    tl.gradCheck((a) => a.t().matmul(a), [randf64([3, 2], 9)], { name: "xtx" });
  });
  it("second derivative through mm (its backward is itself mm)", () => {
    // enableGrad: gradCheck evaluates fn inside noGrad for its finite differences
    const w = T(
      [
        [0.5, -1],
        [2, 0.25],
        [1, 1],
      ],
      { dtype: "float64" },
    );
    const fn = (a: tl.Tensor): tl.Tensor =>
      tl.enableGrad(() => tl.grad(a.matmul(w).pow(2).sum(), [a], undefined, { createGraph: true })[0]!);
    tl.gradCheck(fn, [randf64([2, 3], 10)], { name: "grad of matmul" });
  });
});

describe("matmul values and shapes", () => {
  it("result shapes follow torch.matmul", () => {
    // torch: matmul(ones(a), ones(b)).shape for each pair below
    const cases: [number[], number[], number[]][] = [
      [[3], [3], []],
      [[3], [3, 4], [4]],
      [[2, 3], [3], [2]],
      [[5, 2, 3], [3], [5, 2]],
      [[3], [5, 3, 4], [5, 4]],
      [
        [2, 1, 3, 4],
        [3, 4, 5],
        [2, 3, 3, 5],
      ],
      [
        [2, 3, 4],
        [4, 5],
        [2, 3, 5],
      ],
      [
        [4, 5],
        [2, 5, 3],
        [2, 4, 3],
      ],
    ];
    for (const [a, b, want] of cases) {
      const y = tl.matmul(tl.ones(a), tl.ones(b));
      assert.deepEqual(y.shape, want, `[${a}] @ [${b}]`);
      assert.ok(
        y.storage.every((v) => v === a[a.length - 1]),
        "each entry sums k ones",
      );
    }
  });
  it("values by the definition, ints included", () => {
    // torch: tensor([[1,2],[3,4]]) @ tensor([[5,6],[7,8]]) -> [[19,22],[43,50]]
    exact(
      T([
        [1, 2],
        [3, 4],
      ]).matmul(
        T([
          [5, 6],
          [7, 8],
        ]),
      ),
      [
        [19, 22],
        [43, 50],
      ],
      "int32",
    );
    exact(T([1, 2, 3]).matmul(T([4, 5, 6])), 32);
    tl.manualSeed(3);
    const a = tl.randn([3, 4], { dtype: "float64" }),
      b = tl.randn([4, 2], { dtype: "float64" });
    close(a.matmul(b), naive(a.toArray() as number[][], b.toArray() as number[][]), { atol: 1e-14 });
    close(tl.mm(a, b.t().contiguous(), false, true), naive(a.toArray() as number[][], b.toArray() as number[][]), { atol: 1e-14 });
    close(tl.mm(a.t(), b, true, false), naive(a.toArray() as number[][], b.toArray() as number[][]), { atol: 1e-14 });
  });
  it("a batched product equals the per-item products", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (bt, m, k, n, seed) => {
          tl.manualSeed(seed);
          const a = tl.randn([bt, m, k], { dtype: "float64" }),
            b = tl.randn([k, n], { dtype: "float64" });
          const y = a.matmul(b);
          for (let i = 0; i < bt; i++)
            close(y.select(0, i), naive(a.select(0, i).toArray() as number[][], b.toArray() as number[][]), { atol: 1e-13 });
        },
      ),
      { numRuns: 30, seed: 61 },
    );
  });
});

describe("matmul errors", () => {
  it("inner dims that differ", () => {
    // torch: "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"
    throwsWith(
      () => tl.ones([2, 3]).matmul(tl.ones([4, 5])),
      tl.ShapeError,
      /^matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied: a's last dim \(3\) must equal b's second-to-last dim \(4\)/,
    );
    // torch: "size mismatch, got 2, 2x3,4"
    throwsWith(
      () => tl.ones([2, 3]).matmul(tl.ones([4])),
      tl.ShapeError,
      /^matmul: shapes \[2, 3\] and \[4\] cannot be multiplied: a's last dim \(3\) must equal b's only dim \(4\)/,
    );
    throwsWith(
      () => tl.mm(tl.ones([2, 3]), tl.ones([2, 3])),
      tl.ShapeError,
      /^matmul: shapes \[2, 3\] and \[2, 3\] cannot be multiplied \(2x3 and 2x3\)/,
    );
    throwsWith(
      () => tl.mm(tl.ones([2, 3]), tl.ones([3, 2]), false, true),
      tl.ShapeError,
      /^matmul: shapes \[2, 3\] and \[3, 2\]\^T cannot be multiplied \(2x3 and 2x3\)/,
    );
  });
  it("dtype mismatch and bool", () => {
    throwsWith(
      () => tl.ones([2, 3]).matmul(tl.ones([3, 2], { dtype: "float64" })),
      tl.DTypeError,
      /^matmul: expected both operands to have the same dtype, but got float32 \[2, 3\] and float64 \[3, 2\]/,
    );
    throwsWith(
      () => T([[1, 2]]).matmul(tl.ones([2, 1])),
      tl.DTypeError,
      /^matmul: expected both operands to have the same dtype, but got int32 \[1, 2\] and float32 \[2, 1\]/,
    );
    throwsWith(() => T([[true]]).matmul(T([[true]])), tl.DTypeError, /^matmul: not implemented for bool tensors/);
  });
  it("0-d operands and batch dims that do not broadcast", () => {
    // torch: "both arguments to matmul need to be at least 1D, but they are 0D and 1D"
    throwsWith(() => tl.matmul(T(1.5), tl.ones([2])), tl.ShapeError, /^matmul: both arguments need at least 1 dim, got \[\] and \[2\]/);
    // torch: "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
    throwsWith(() => tl.ones([2, 2, 3]).matmul(tl.ones([3, 3, 2])), tl.ShapeError, /^matmul: shapes \[2\] and \[3\] cannot be broadcast/);
    throwsWith(
      () => tl.mm(tl.ones([3]), tl.ones([3, 2])),
      tl.ShapeError,
      /^mm: both operands need at least 2 dims, got \[3\] and \[3, 2\]/,
    );
    throwsWith(() => tl.mm(tl.ones([2, 2, 3]), tl.ones([3, 3, 2])), tl.ShapeError, /^mm: batch dims \[2\] and \[3\] differ; use matmul/);
  });
});

describe("addmm (input + mat1 @ mat2, a one-row input fused into the product)", () => {
  for (const inShape of [[3], [1, 3], [2, 3], [2, 1], []]) {
    it(`gradcheck (float64), input [${inShape}]`, () => {
      tl.gradCheck((i, a, b) => tl.addmm(i, a, b), [randf64(inShape, 5), randf64([2, 4], 6), randf64([4, 3], 7)], {
        name: `addmm ${inShape}`,
      });
    });
  }
  it("equals mm then add bit for bit in float32 (k within one GEMM block), on this backend, with every transpose", () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const g = new tl.Generator(9);
      const a = tl.randn(ta ? [200, 37] : [37, 200], { generator: g }),
        b = tl.randn(tb ? [45, 200] : [200, 45], { generator: g }),
        bias = tl.randn([45], { generator: g });
      const fused = tl.mmBias(a, b, bias, ta, tb),
        plain = tl.add(tl.mm(a, b, ta, tb), bias);
      assert.deepEqual(fused.storage, plain.storage);
    }
  });
  it("a one-row bias over a batch of products, and its gradient summed over every row", () => {
    const a = randf64([2, 3, 4], 1),
      b = randf64([4, 5], 2),
      bias = randf64([5], 3);
    close(tl.mmBias(a, b, bias), tl.add(tl.mm(a, b), bias).toArray() as number[][][], { atol: 1e-12, rtol: 1e-12 });
    tl.gradCheck((x, y, z) => tl.mmBias(x, y, z), [a, b, bias], { name: "mmBias batch" });
  });
  it("refuses operands that are not matrices, naming the op", () => {
    throwsWith(
      () => tl.addmm(tl.ones([3]), tl.ones([2, 2, 4]), tl.ones([4, 3])),
      tl.ShapeError,
      /^addmm: mat1 and mat2 must be 2-D, got \[2, 2, 4\] and \[4, 3\]/,
    );
    throwsWith(
      () => tl.addmm(tl.ones([3]), tl.ones([2, 4]), tl.ones([5, 3])),
      tl.ShapeError,
      /^addmm: shapes \[2, 4\] and \[5, 3\] cannot be multiplied/,
    );
  });
});

describe("matmul with infinities and NaN (against PyTorch 1.13)", () => {
  it("a zero times inf or NaN is NaN, as in a GEMM that skips nothing", () => {
    // torch: [[0, 1], [2, 0]] @ [[inf, 1], [nan, 2]] -> [[nan, 2], [nan, 2]]; zeros(2, 3) @ w with
    // w[1, 0] = inf -> NaN in column 0, zeros elsewhere
    for (const dtype of ["float32", "float64"] as const) {
      const a = tl.tensor(
        [
          [0, 1],
          [2, 0],
        ],
        { dtype },
      );
      const b = tl.tensor(
        [
          [Infinity, 1],
          [NaN, 2],
        ],
        { dtype },
      );
      assert.deepEqual(Array.from(tl.matmul(a, b).storage), [NaN, 2, NaN, 2]);
      const w = tl.tensor(
        [
          [1, 2],
          [Infinity, 3],
          [4, 5],
        ],
        { dtype },
      );
      assert.deepEqual(Array.from(tl.matmul(tl.zeros([2, 3], { dtype }), w).storage), [NaN, 0, NaN, 0]);
    }
  });
});
