// Reductions: float64 gradient checks over every dims/keepdim variant, values and tie / NaN /
// zero conventions against PyTorch 1.13, output dtypes, error messages, and properties.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { close, exact, f64, randf64, spread, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;
const d64 = (v: tl.NestedArray): tl.Tensor => T(v, { dtype: "float64" });

describe("reduce gradcheck (float64)", () => {
  const x3 = () => randf64([2, 3, 4], 1);
  const cases: [string, (x: tl.Tensor) => tl.Tensor, () => tl.Tensor][] = [
    ["sum all", (x) => x.sum(), x3],
    ["sum dim 1", (x) => x.sum(1), x3],
    ["sum dim -1 keepdim", (x) => x.sum(-1, true), x3],
    ["sum dims [0, 2] (non-adjacent)", (x) => x.sum([0, 2]), x3],
    ["sum dims [2, 0] keepdim", (x) => x.sum([2, 0], true), x3],
    ["sum dims [0, 1] (adjacent)", (x) => x.sum([0, 1]), x3],
    ["sum of a 0-d tensor", (x) => x.sum(), () => randf64([], 1)],
    ["mean all", (x) => x.mean(), x3],
    ["mean dim 0 keepdim", (x) => x.mean(0, true), x3],
    ["mean dims [-1, -3]", (x) => x.mean([-1, -3]), x3],
    ["prod all", (x) => x.prod(), () => randf64([5], 2)],
    ["prod dim 1", (x) => x.prod(1), () => randf64([3, 4], 2)],
    ["prod dim -2 keepdim", (x) => x.prod(-2, true), () => randf64([3, 4], 3)],
    ["prod with one zero", (x) => x.prod(), () => f64([1.5, 0, -2, 0.7])],
    ["prod with two zeros", (x) => x.prod(), () => f64([1.5, 0, -2, 0])],
    // rows: no zero, one zero, two zeros
    [
      "prod dim 1 with zeros per row",
      (x) => x.prod(1),
      () =>
        f64([
          [1.5, -2, 0.7],
          [1.5, 0, -2],
          [0, 3, 0],
        ]),
    ],
    [
      "prod dim 0 keepdim with zeros",
      (x) => x.prod(0, true),
      () =>
        f64([
          [1.5, 0, 0],
          [2, 3, 0],
          [-1, 2, 4],
        ]),
    ],
    ["max all (no ties)", (x) => x.max(), () => spread([3, 4], 4)],
    ["min all (no ties)", (x) => x.min(), () => spread([3, 4], 4)],
    ["max dim 1", (x) => x.max(1).values, () => spread([3, 4], 5)],
    ["max dim -1 keepdim", (x) => x.max(-1, true).values, () => spread([2, 3, 4], 5)],
    ["max dim 0", (x) => x.max(0)[0], () => spread([3, 4], 6)],
    ["min dim 1 keepdim", (x) => x.min(1, true).values, () => spread([3, 4], 7)],
    ["min dim -3", (x) => x.min(-3).values, () => spread([2, 3, 4], 7)],
    ["amax dims [0, 2]", (x) => x.amax([0, 2]), () => spread([2, 3, 4], 8)],
    ["amax dim 1 keepdim", (x) => x.amax(1, true), () => spread([2, 3, 4], 8)],
    ["amin all", (x) => x.amin(), () => spread([2, 3], 9)],
    ["amin dim -1", (x) => x.amin(-1), () => spread([2, 3], 9)],
    ["var all (correction 1)", (x) => x.var(), x3],
    ["var dim 1 correction 0", (x) => x.var(1, { correction: 0 }), x3],
    ["var dims [0, 2] keepdim", (x) => x.var([0, 2], { keepdim: true }), x3],
    ["var unbiased false", (x) => x.var(-1, { unbiased: false }), x3],
    ["var correction 2", (x) => x.var(2, { correction: 2 }), x3],
    ["std all", (x) => x.std(), x3],
    ["std dim 1 correction 0 keepdim", (x) => x.std(1, { correction: 0, keepdim: true }), x3],
    ["logsumexp all", (x) => x.logsumexp(), x3],
    ["logsumexp dim 1", (x) => x.logsumexp(1), x3],
    ["logsumexp dims [0, 2] keepdim", (x) => x.logsumexp([0, 2], true), x3],
    [
      "logsumexp with -Infinity entries",
      (x) => x.logsumexp(1),
      () =>
        f64([
          [0.3, -Infinity, 1.2],
          [-Infinity, -0.5, 2],
        ]),
    ],
    ["logsumexp of large values", (x) => x.logsumexp(0), () => f64([1000.2, 999.7, 1001])],
    ["norm p=2", (x) => x.norm(), x3],
    ["norm fro dim 1", (x) => x.norm("fro", 1), x3],
    ["norm p=1 (away from 0)", (x) => x.norm(1), () => spread([3, 4], 10)],
    ["norm p=1 dim 0 keepdim", (x) => x.norm(1, 0, true), () => spread([3, 4], 10)],
    ["norm p=3", (x) => x.norm(3), () => spread([3, 4], 11)],
    ["norm p=3 dims [0, 2]", (x) => x.norm(3, [0, 2]), () => spread([2, 3, 4], 11)],
    ["norm p=2 dim -1 keepdim", (x) => x.norm(2, -1, true), x3],
    ["norm p=Infinity (no ties)", (x) => x.norm(Infinity), () => spread([3, 4], 12)],
    ["norm p=Infinity dim 1", (x) => x.norm(Infinity, 1), () => spread([3, 4], 12)],
    ["norm p=-Infinity dim 1", (x) => x.norm(-Infinity, 1), () => spread([3, 4], 13)],
    ["norm p=0.5 (positive entries)", (x) => x.norm(0.5), () => randf64([4], 14).abs().add(0.2).detach().requiresGrad_()],
    ["sumToSize [2,3,4] -> [3,1]", (x) => x.sumToSize([3, 1]), x3],
    ["sumToSize [2,3,4] -> [1,1,4]", (x) => x.sumToSize([1, 1, 4]), x3],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, [make()], { name });
    });
  }
});

describe("reduce values against PyTorch 1.13", () => {
  it("sum of bool and int gives int32 (PyTorch: int64); prod of int too", () => {
    // torch: torch.tensor([True,True,False]).sum() -> tensor(2); int sums and prods -> int64
    exact(T([true, true, false]).sum(), 2, "int32");
    exact(
      T([
        [1, 2],
        [3, 4],
      ]).sum(0),
      [4, 6],
      "int32",
    );
    exact(T([2, 3]).prod(), 6, "int32");
    exact(
      T(
        [
          [1.5, 2],
          [3, 4],
        ],
        { dtype: "float64" },
      ).sum(1),
      [3.5, 7],
      "float64",
    );
  });
  it("empty reductions: sum 0, prod 1, mean NaN", () => {
    // torch: torch.tensor([]).sum() -> 0., .prod() -> 1., .mean() -> nan
    exact(T([]).sum(), 0, "float32");
    exact(T([]).prod(), 1);
    close(T([]).mean(), NaN);
    exact(tl.zeros([2, 0]).sum(1), [0, 0]);
  });
  it("result shapes for dims and keepdim", () => {
    // torch: ones(2,3,4).sum((0,2)).shape -> [3]; keepdim -> [1,3,1]; mean(-1) -> [2,3]
    const x = tl.ones([2, 3, 4]);
    assert.deepEqual(x.sum([0, 2]).shape, [3]);
    assert.deepEqual(x.sum([0, 2], true).shape, [1, 3, 1]);
    assert.deepEqual(x.mean(-1).shape, [2, 3]);
    assert.deepEqual(x.sum().shape, []);
    assert.deepEqual(x.max(1).indices.shape, [2, 4]);
    assert.deepEqual(x.max(1, true).values.shape, [2, 1, 4]);
    exact(x.sum([0, 2]), [8, 8, 8]);
  });
  it("max / min propagate NaN and return the NaN's index", () => {
    // torch: tensor([1., nan, 3]).max() -> nan; tensor([[1., nan, 3],[2,5,5]]).max(1) -> values [nan, 5], indices [1, 1]
    close(T([1, NaN, 3]).max(), NaN);
    close(T([1, NaN, 3]).min(), NaN);
    const [v, i] = T([
      [1, NaN, 3],
      [2, 5, 5],
    ]).max(1);
    close(v, [NaN, 5]);
    exact(i, [1, 1], "int32");
    // torch: tensor([1., nan, 3]).argmax() -> 1
    exact(T([1, NaN, 3]).argmax(), 1);
    close(T([1, NaN, 3]).amax(), NaN);
  });
  it("argmax / argmin return the first extreme on ties, flattened without a dim", () => {
    // torch: tensor([3.,1,3,1]).argmax() -> 0, .argmin() -> 1; tensor([[1.,2],[4,0]]).argmax() -> 2, keepdim -> shape [1,1]
    exact(T([3, 1, 3, 1]).argmax(), 0, "int32");
    exact(T([3, 1, 3, 1]).argmin(), 1);
    exact(
      T([
        [1, 2],
        [4, 0],
      ]).argmax(),
      2,
    );
    assert.deepEqual(
      T([
        [1, 2],
        [4, 0],
      ]).argmax(undefined, true).shape,
      [1, 1],
    );
    exact(
      T([
        [1, 2],
        [4, 0],
      ]).argmax(1),
      [1, 0],
    );
    exact(
      T([
        [1, 2],
        [4, 0],
      ]).argmin(0, true),
      [[0, 1]],
    );
  });
  it("max(dim) sends the whole gradient to the first tie; amax and max() split it evenly", () => {
    // torch: x=[[1.,3,3],[2,2,0]]; x.max(1).values.sum().backward() -> [[0,1,0],[1,0,0]], indices [1, 0]
    const a = f64([
      [1, 3, 3],
      [2, 2, 0],
    ]);
    const r = a.max(1);
    exact(r.indices, [1, 0]);
    r.values.sum().backward();
    exact(a.grad, [
      [0, 1, 0],
      [1, 0, 0],
    ]);
    // torch: x.amax(1).sum().backward() -> [[0, .5, .5], [.5, .5, 0]]
    const b = f64([
      [1, 3, 3],
      [2, 2, 0],
    ]);
    b.amax(1).sum().backward();
    exact(b.grad, [
      [0, 0.5, 0.5],
      [0.5, 0.5, 0],
    ]);
    // torch: x.max().backward() -> [[0, .5, .5], [0, 0, 0]]
    const c = f64([
      [1, 3, 3],
      [2, 2, 0],
    ]);
    c.max().backward();
    exact(c.grad, [
      [0, 0.5, 0.5],
      [0, 0, 0],
    ]);
    // torch: x=[[1.,3,3],[0,0,0]]; x.min(1).values.sum().backward() -> [[1,0,0],[1,0,0]], indices [0, 0]
    const m = f64([
      [1, 3, 3],
      [0, 0, 0],
    ]);
    m.min(1).values.sum().backward();
    exact(m.grad, [
      [1, 0, 0],
      [1, 0, 0],
    ]);
    // torch: x.min().backward() -> [[0,0,0],[1/3,1/3,1/3]]
    const n = f64([
      [1, 3, 3],
      [0, 0, 0],
    ]);
    n.min().backward();
    close(
      n.grad,
      [
        [0, 0, 0],
        [1 / 3, 1 / 3, 1 / 3],
      ],
      { atol: 1e-15 },
    );
  });
  it("prod gradient with zeros is the product of the others", () => {
    // d prod / d x_i = prod_{j != i} x_j
    // torch: x=[2.,0,3,4]; x.prod().backward() -> [0, 24, 0, 0]
    const a = f64([2, 0, 3, 4]);
    a.prod().backward();
    exact(a.grad, [0, 24, 0, 0]);
    // torch: x=[2.,0,3,0] -> [0, 0, 0, 0]
    const b = f64([2, 0, 3, 0]);
    b.prod().backward();
    exact(b.grad, [0, 0, 0, 0]);
    // torch: x=[[2.,0,3],[1,2,3],[0,5,0]]; x.prod(1).sum().backward() -> [[0,6,0],[6,3,2],[0,0,0]]
    const c = f64([
      [2, 0, 3],
      [1, 2, 3],
      [0, 5, 0],
    ]);
    c.prod(1).sum().backward();
    exact(c.grad, [
      [0, 6, 0],
      [6, 3, 2],
      [0, 0, 0],
    ]);
  });
  it("prod's second derivative with a zero entry (createGraph)", () => {
    // torch: x=[2.,0,3]; g=grad(x.prod(),x,create_graph=True) -> [0,6,0]; grad(g.sum(),x) -> [3,5,2]
    //   (by hand: the Hessian of x0 x1 x2 has H01 = x2 = 3, H02 = x1 = 0, H12 = x0 = 2; row sums 3, 5, 2)
    const x = f64([2, 0, 3]);
    const [g] = tl.grad(x.prod(), [x], undefined, { createGraph: true });
    exact(g, [0, 6, 0]);
    exact(tl.grad(g!.sum(), [x])[0], [3, 5, 2]);
    // torch: x=[[2.,0,3],[1,2,4]]; g=grad(x.prod(1).sum(),x,create_graph=True) -> [[0,6,0],[8,4,2]];
    //        grad(g.sum(),x) -> [[3,5,2],[6,5,3]]
    const y = f64([
      [2, 0, 3],
      [1, 2, 4],
    ]);
    const [gy] = tl.grad(y.prod(1).sum(), [y], undefined, { createGraph: true });
    exact(gy, [
      [0, 6, 0],
      [8, 4, 2],
    ]);
    exact(tl.grad(gy!.sum(), [y])[0], [
      [3, 5, 2],
      [6, 5, 3],
    ]);
  });
  it("var / std with Bessel's correction by default", () => {
    // torch: tensor([1.,2,3,4]).var() -> 1.6667; unbiased=False -> 1.25; tensor([1.]).var() -> nan
    // by hand: mean 2.5, squared deviations 2.25+0.25+0.25+2.25 = 5; 5/3 and 5/4
    close(d64([1, 2, 3, 4]).var(), 5 / 3, { atol: 1e-15 });
    close(d64([1, 2, 3, 4]).var(undefined, { unbiased: false }), 1.25);
    close(d64([1, 2, 3, 4]).var(undefined, { correction: 0 }), 1.25);
    close(d64([1]).var(), NaN);
    // torch: tensor([[1.,2],[3,5]],dtype=float64).std(1) -> [0.7071, 1.4142] = sqrt(0.5), sqrt(2)
    close(
      d64([
        [1, 2],
        [3, 5],
      ]).std(1),
      [Math.SQRT1_2, Math.SQRT2],
      { atol: 1e-15 },
    );
    close(
      d64([
        [1, 2],
        [3, 5],
      ]).var(0, { keepdim: true }),
      [[2, 4.5]],
    );
  });
  it("logsumexp handles -Infinity entries and large values", () => {
    // torch: logsumexp([0., -inf, 1.]) -> 1.3133 = log(1 + e); all -inf -> -inf; [1000,1000] -> 1000.6931471805599
    close(d64([0, -Infinity, 1]).logsumexp(0), Math.log(1 + Math.E), { atol: 1e-15 });
    close(d64([-Infinity, -Infinity]).logsumexp(0), -Infinity);
    close(d64([1000, 1000]).logsumexp(0), 1000.6931471805599, { atol: 0, rtol: 1e-15 });
    close(
      d64([
        [0, -Infinity, 1],
        [-Infinity, -Infinity, -Infinity],
      ]).logsumexp(1, true),
      [[Math.log(1 + Math.E)], [-Infinity]],
      { atol: 1e-15 },
    );
    // torch: x=[0., -inf, 1.]; logsumexp(x,0).backward() -> [0.2689, 0, 0.7311] = softmax
    const x = f64([0, -Infinity, 1]);
    x.logsumexp(0).backward();
    close(x.grad, [1 / (1 + Math.E), 0, Math.E / (1 + Math.E)], { atol: 1e-15 });
    // torch: all -inf -> grad [nan, nan]
    const y = f64([-Infinity, -Infinity]);
    y.logsumexp(0).backward();
    close(y.grad, [NaN, NaN]);
  });
  it("norm for p = 2, 1, 3, Infinity, -Infinity, 0", () => {
    // torch: tensor([3.,-4,0]).norm() -> 5, norm(1) -> 7, norm(3) -> 4.4979, norm(inf) -> 4, norm(-inf) -> 0, norm(0) -> 2
    const v = d64([3, -4, 0]);
    close(v.norm(), 5);
    close(v.norm("fro"), 5);
    close(v.norm(1), 7);
    close(v.norm(3), Math.cbrt(27 + 64), { atol: 1e-14 });
    close(v.norm(Infinity), 4);
    close(v.norm(-Infinity), 0);
    close(v.norm(0), 2);
    close(
      d64([
        [3, 4],
        [6, 8],
      ]).norm(2, 1),
      [5, 10],
    );
  });
  it("norm gradients: 0 at a zero norm, sign at 0 for p=1, split on Infinity ties", () => {
    // torch: x=zeros(3); x.norm().backward() -> [0, 0, 0]
    const z = f64([0, 0, 0]);
    z.norm().backward();
    exact(z.grad, [0, 0, 0]);
    // torch: x=[3.,-4,0]; x.norm(1).backward() -> [1, -1, 0]
    const a = f64([3, -4, 0]);
    a.norm(1).backward();
    exact(a.grad, [1, -1, 0]);
    // torch: x=[3.,-4,4]; x.norm(inf).backward() -> [0, -0.5, 0.5]
    const b = f64([3, -4, 4]);
    b.norm(Infinity).backward();
    exact(b.grad, [0, -0.5, 0.5]);
    // d||x||_2 = x / ||x||: [3, -4, 0] / 5
    const c = f64([3, -4, 0]);
    c.norm().backward();
    close(c.grad, [0.6, -0.8, 0], { atol: 1e-15 });
  });
  it("all / any", () => {
    // torch: tensor([[True,False],[True,True]]).all(1) -> [False, True]; tensor([[0.,0],[0,2]]).any(1) -> [False, True]
    exact(
      T([
        [true, false],
        [true, true],
      ]).all(1),
      [false, true],
      "bool",
    );
    exact(
      T([
        [0, 0],
        [0, 2],
      ]).any(1),
      [false, true],
      "bool",
    );
    exact(
      T([
        [0, 0],
        [0, 2],
      ]).any(),
      true,
    );
    exact(
      T([
        [1, 1],
        [0, 2],
      ]).all(0, true),
      [[false, true]],
    );
    exact(T([]).all(), true);
    exact(T([]).any(), false);
  });
  it("sumToSize sums over the broadcast dims", () => {
    // torch: torch.arange(6.).reshape(2,3).sum_to_size(1,3) -> [[3., 5., 7.]]
    exact(tl.arange(6).to("float32").reshape([2, 3]).sumToSize([1, 3]), [[3, 5, 7]]);
    exact(tl.arange(6).to("float32").reshape([2, 3]).sumToSize([3]), [3, 5, 7]);
    exact(tl.arange(6).to("float32").reshape([2, 3]).sumToSize([2, 1]), [[3], [12]]);
  });
});

describe("reduce errors", () => {
  it("out-of-range and repeated dims", () => {
    // torch: "Dimension out of range (expected to be in range of [-2, 1], but got 2)"
    throwsWith(
      () => tl.ones([2, 3]).sum(2),
      tl.IndexError,
      /^sum: dim 2 is out of range for a tensor with 2 dims; it must be in \[-2, 1\]/,
    );
    throwsWith(() => tl.ones([2, 3]).mean(-3), tl.IndexError, /^mean: dim -3 is out of range/);
    throwsWith(() => tl.ones([2, 3]).max(5), tl.IndexError, /^max: dim 5 is out of range/);
    throwsWith(() => tl.ones([2, 3]).argmin(2), tl.IndexError, /^argmin: dim 2 is out of range/);
    throwsWith(() => tl.ones([2, 3]).prod(2), tl.IndexError, /^prod: dim 2/);
    throwsWith(() => tl.ones([2, 3]).var(4), tl.IndexError, /^var: dim 4/);
    throwsWith(() => tl.ones([2, 3]).logsumexp(2), tl.IndexError, /^logsumexp: dim 2/);
    throwsWith(() => tl.ones([2, 3]).norm(2, 2), tl.IndexError, /^norm: dim 2/);
    throwsWith(() => tl.ones([2, 3]).amax([0, -2]), tl.IndexError, /^amax: dim 0 appears more than once in \[0, -2\]/);
    throwsWith(() => tl.ones([2, 3]).sum(1.5), tl.IndexError, /^sum: dim 1.5 is out of range/);
  });
  it("mean and var of an int tensor, max of an empty tensor", () => {
    // torch: "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"
    throwsWith(() => T([1, 2]).mean(), tl.DTypeError, /^mean: could not infer the output dtype: the input is int32/);
    throwsWith(() => T([1, 2]).var(), tl.DTypeError, /^var: expected a float tensor, got int32/);
    throwsWith(() => T([1, 2]).norm(), tl.DTypeError, /^norm: expected a float tensor, got int32/);
    // torch: "max(): Expected reduction dim to be specified for input.numel() == 0."
    throwsWith(() => T([]).max(), tl.ShapeError, /^max: cannot reduce over a dim of size 0 \(tensor \[0\]/);
    throwsWith(
      () => tl.zeros([2, 0]).argmax(1),
      tl.ShapeError,
      /^argmax: cannot reduce over a dim of size 0 \(tensor \[2, 0\], dims \[1\]\)/,
    );
  });
  it("sumToSize to a shape that does not broadcast", () => {
    throwsWith(() => tl.ones([2, 3]).sumToSize([2]), tl.ShapeError, /^sumToSize: \[2, 3\] cannot be summed to \[2\]/);
    throwsWith(() => tl.ones([3]).sumToSize([1, 3]), tl.ShapeError, /^sumToSize: \[3\] cannot be summed to \[1, 3\]/);
  });
  it("norm with a bad p", () => {
    throwsWith(() => tl.ones([2]).norm("nuc" as "fro"), tl.ValueError, /^norm: p must be a number, Infinity or "fro", got "nuc"/);
  });
});

describe("reduce properties (fast-check)", () => {
  const shapeAndDims = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.subarray(
        s.map((_, i) => i),
        { minLength: 1 },
      ),
      fc.boolean(),
      fc.integer(),
    ),
  );
  it("sum over dims equals summing one dim at a time; keepdim only adds size-1 dims", () => {
    fc.assert(
      fc.property(shapeAndDims, ([s, dims, keepdim, seed]) => {
        tl.manualSeed(seed);
        const x = tl.randn(s, { dtype: "float64" });
        const all = x.sum(dims, keepdim);
        let step = x;
        for (const d of [...dims].sort((a, b) => b - a)) step = step.sum(d, keepdim);
        assert.deepEqual(all.shape, keepdim ? s.map((n, i) => (dims.includes(i) ? 1 : n)) : s.filter((_, i) => !dims.includes(i)));
        close(all, step.toArray(), { atol: 1e-12 });
      }),
      { numRuns: 50, seed: 21 },
    );
  });
  it("amax over dims is at least every element, and equals max(dim) for one dim", () => {
    fc.assert(
      fc.property(shapeAndDims, ([s, dims, , seed]) => {
        tl.manualSeed(seed);
        const x = tl.randn(s, { dtype: "float64" });
        const m = x.amax(dims, true);
        assert.ok(x.le(m).all().item());
        const d = dims[0]!;
        exact(x.amax(d), x.max(d).values.toArray());
      }),
      { numRuns: 50, seed: 22 },
    );
  });
});

describe("reduce gradients at the edges (against PyTorch 1.13)", () => {
  it("var's gradient uses 2 / (N - correction) unclamped, as var_backward", () => {
    // x = [[1, 2]]; torch.var(x, 1, correction=3) -> [inf]; its gradient -> [[1, -1]]
    const x = T([[1, 2]], { dtype: "float64", requiresGrad: true });
    const v = tl.var(x, 1, { correction: 3 });
    assert.deepEqual(Array.from(v.storage), [Infinity]);
    v.sum().backward();
    assert.deepEqual(Array.from(x.grad!.storage), [1, -1]);
    // a 0-d input with correction 2: value NaN, gradient 2 / (1 - 2) * g * 0 = -0, not NaN
    const s = T(0.5, { dtype: "float32", requiresGrad: true });
    tl.var(s, undefined, { correction: 2 }).backward();
    assert.equal(s.grad!.item(), 0);
  });
  it("norm with p < 1 has gradient 0 at zero entries, as PyTorch's mask", () => {
    // torch.linalg.vector_norm([0, 4, -1], 0.5) backward -> [0, 1.5, -3]; p = -1 -> [0, 0, 0]
    for (const [p, want] of [
      [0.5, [0, 1.5, -3]],
      [-1, [0, 0, 0]],
      [3, [0, 0.9897171098065373, -0.06185731936290858]],
    ] as const) {
      const x = T([0, 4, -1], { dtype: "float64", requiresGrad: true });
      tl.norm(x, p).backward();
      close(x.grad!, [...want], { atol: 1e-15, rtol: 1e-14 });
    }
  });
});

describe("prod's gradient with zeros, NaN and infinities (against PyTorch 1.13)", () => {
  const inf = Infinity;
  const x4 = [
    [1, NaN, 3, -1],
    [NaN, NaN, 0, 2],
    [inf, 1, inf, -inf],
    [2, 2, -0, 0],
  ];
  // torch.prod(x, d).sum().backward(): with a zero anywhere in x, every entry gets the product of
  // the others from exclusive running products, so infinities reach entries that g * out / x makes NaN
  const cases: [string, number[][], number | undefined, number[]][] = [
    ["dim 0", x4, 0, [NaN, NaN, NaN, NaN, inf, NaN, NaN, NaN, NaN, NaN, 0, 0, NaN, NaN, NaN, inf]],
    ["dim 1", x4, 1, [NaN, -3, NaN, NaN, NaN, NaN, NaN, NaN, -inf, -inf, -inf, inf, 0, 0, 0, 0]],
    ["no zero: g * out / x", [[inf, 1, inf, -inf]], 1, [NaN, -inf, NaN, NaN]],
    ["all, one zero", [[1.5, 0, -2, 0.7]], undefined, [0, -2.0999999999999996, 0, 0]],
    ["all, two zeros and an inf: zeros", [[0, 0, inf]], undefined, [0, 0, 0]],
  ];
  for (const [name, v, d, want] of cases) {
    it(name, () => {
      const x = d64(v).requiresGrad_();
      (d === undefined ? x.prod() : x.prod(d)).sum().backward();
      const got = Array.from(x.grad!.storage);
      want.forEach((w, i) => assert.ok(Object.is(got[i], w) || (w === 0 && got[i] === 0), `element ${i}: ${got[i]}, torch ${w}`));
    });
  }
});

describe("logsumexp of integers (against PyTorch 1.13)", () => {
  it("casts to the default float first", () => {
    // torch.logsumexp(torch.tensor([[1, 2], [3, 4]]), 1) -> tensor([2.3133, 4.3133]) (float32)
    const out = tl.logsumexp(
      T([
        [1, 2],
        [3, 4],
      ]),
      1,
    );
    assert.equal(out.dtype, "float32");
    close(out, [2.3132617473602295, 4.31326150894165], { atol: 0, rtol: 1e-7 });
    assert.equal(tl.logsumexp(T([true, false]), 0).dtype, "float32");
  });
});

describe("max / amax of bools (against PyTorch 1.13)", () => {
  it("are bool, as torch.max(b) and torch.amax(b, 1)", () => {
    const b = T([
      [true, false, false],
      [false, false, false],
    ]);
    const all = tl.max(b);
    assert.equal(all.dtype, "bool");
    assert.deepEqual(Array.from(all.storage), [1]);
    const rows = tl.amax(b, 1);
    assert.equal(rows.dtype, "bool");
    assert.deepEqual(Array.from(rows.storage), [1, 0]);
    assert.deepEqual(Array.from(tl.amin(b, 0).storage), [0, 0, 0]);
  });
});

describe("reduction errors name the op called", () => {
  it("amax, amin and norm over an empty dim", () => {
    // torch: "linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an identity"
    throwsWith(() => tl.amax(tl.zeros([0])), tl.ShapeError, /^amax: cannot reduce over a dim of size 0/);
    throwsWith(() => tl.amin(tl.zeros([2, 0]), 1), tl.ShapeError, /^amin: cannot reduce over a dim of size 0/);
    throwsWith(() => tl.norm(tl.zeros([0]), Infinity), tl.ShapeError, /^norm: cannot reduce over a dim of size 0/);
  });
});
