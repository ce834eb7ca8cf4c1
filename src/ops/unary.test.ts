// Elementwise functions of one tensor: float64 gradient checks, values at the edges (NaN, 0,
// halves, infinities) and derivatives at kinks against PyTorch 1.13, dtype rules, error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { close, exact, f64, randf64, spread, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;
const positive = (seed: number): tl.Tensor => randf64([2, 3], seed).abs().add(0.3).detach().requiresGrad_();

describe("unary gradcheck (float64)", () => {
  const cases: [string, (x: tl.Tensor) => tl.Tensor, () => tl.Tensor][] = [
    ["neg", (x) => x.neg(), () => randf64([2, 3], 1)],
    ["abs (away from 0)", (x) => x.abs(), () => spread([2, 3], 1)],
    ["exp", (x) => x.exp(), () => randf64([2, 3], 1)],
    ["expm1", (x) => x.expm1(), () => randf64([2, 3], 1)],
    ["log", (x) => x.log(), () => positive(1)],
    ["log1p", (x) => x.log1p(), () => positive(2)],
    ["sqrt", (x) => x.sqrt(), () => positive(3)],
    ["rsqrt", (x) => x.rsqrt(), () => positive(4)],
    ["reciprocal", (x) => x.reciprocal(), () => spread([2, 3], 5, 0.5)],
    ["square", (x) => x.square(), () => randf64([2, 3], 6)],
    ["sin", (x) => x.sin(), () => randf64([2, 3], 7)],
    ["cos", (x) => x.cos(), () => randf64([2, 3], 8)],
    ["erf", (x) => x.erf(), () => randf64([2, 3], 9)],
    // derivative 0 away from the jumps
    ["sign", (x) => x.sign(), () => spread([2, 3], 10)],
    ["floor", (x) => x.floor(), () => f64([0.3, -1.2, 2.6])],
    ["ceil", (x) => x.ceil(), () => f64([0.3, -1.2, 2.6])],
    ["round", (x) => x.round(), () => f64([0.3, -1.2, 2.6])],
    ["trunc", (x) => x.trunc(), () => f64([0.3, -1.2, 2.6])],
    // inputs away from the bounds, on both sides of them
    ["clamp min and max", (x) => x.clamp(-0.5, 0.5), () => f64([-1.3, -0.2, 0.1, 0.45, 0.9, 2])],
    ["clamp only min", (x) => x.clamp(0.2), () => f64([-1.3, -0.2, 0.1, 0.45, 0.9, 2])],
    ["clamp only max (min null)", (x) => x.clamp(null, 0.2), () => f64([-1.3, -0.2, 0.1, 0.45, 0.9, 2])],
    ["chain: exp(sin(x)) * sqrt(x^2 + 1)", (x) => x.sin().exp().mul(x.square().add(1).sqrt()), () => randf64([4], 11)],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, [make()], { name });
    });
  }
});

describe("unary values against PyTorch 1.13", () => {
  it("round is half to even", () => {
    // torch: torch.round(tensor([0.5,1.5,2.5,-0.5,-1.5,-2.5,2.4,-2.6,3.5])) -> [0., 2., 2., -0., -2., -2., 2., -3., 4.]
    exact(T([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3.5]).round(), [0, 2, 2, -0, -2, -2, 2, -3, 4]);
    assert.ok(Object.is(T([-0.5]).round().item(), -0));
  });
  it("floor, ceil and trunc of negatives", () => {
    // torch: trunc([-2.7,2.7]) -> [-2,2]; floor([-2.5,2.5]) -> [-3,2]; ceil([-2.5,2.5]) -> [-2,3]
    exact(T([-2.7, 2.7]).trunc(), [-2, 2]);
    exact(T([-2.5, 2.5]).floor(), [-3, 2]);
    exact(T([-2.5, 2.5]).ceil(), [-2, 3]);
  });
  it("sign of NaN and -0 is 0, as PyTorch", () => {
    // torch: torch.sign(tensor([nan, -0., 3, -2])) -> tensor([ 0.,  0.,  1., -1.])
    exact(T([NaN, -0, 3, -2.5]).sign(), [0, 0, 1, -1]);
  });
  it("derivatives at 0 follow PyTorch: abs 0, sign 0, relu 0, sqrt inf", () => {
    // torch: x=[-1.,0.,2.]; x.abs().sum().backward() -> [-1., 0., 1.]; x.sign() -> [0, 0, 0]
    const x = f64([-1, 0, 2]);
    x.abs().sum().backward();
    exact(x.grad, [-1, 0, 1]);
    const y = f64([-1, 0, 2]);
    y.sign().sum().backward();
    exact(y.grad, [0, 0, 0]);
    // torch: x=[-1.,0.,2.]; x.relu().sum().backward() -> [0., 0., 1.] (relu lives in activation.ts)
    const q = f64([-1, 0, 2]);
    q.relu().sum().backward();
    exact(q.grad, [0, 0, 1]);
    // torch: x=[0.]; x.sqrt().sum().backward() -> tensor([inf])
    const z = f64([0]);
    z.sqrt().sum().backward();
    exact(z.grad, [Infinity]);
    // torch: x=[2.5,0.5,1.7]; x.round().sum().backward() -> [0, 0, 0]
    const r = f64([2.5, 0.5, 1.7]);
    r.round().sum().backward();
    exact(r.grad, [0, 0, 0]);
  });
  it("clamp passes the gradient at the bounds themselves", () => {
    // torch: x=[-1.,0,0.5,1,2]; x.clamp(0,1).sum().backward() -> [0, 1, 1, 1, 0]
    //        x.clamp(min=0.5) -> [0, 0, 1, 1, 1]; x.clamp(max=0.5) -> [1, 1, 1, 0, 0]
    const cases: [number | null, number | null, number[]][] = [
      [0, 1, [0, 1, 1, 1, 0]],
      [0.5, null, [0, 0, 1, 1, 1]],
      [null, 0.5, [1, 1, 1, 0, 0]],
    ];
    for (const [lo, hi, want] of cases) {
      const x = f64([-1, 0, 0.5, 1, 2]);
      x.clamp(lo, hi).sum().backward();
      exact(x.grad, want);
    }
  });
  it("clamp values: int with float bound gives float, min > max gives max, NaN stays", () => {
    // torch: torch.clamp(tensor([1,5,9]), min=2.5) -> tensor([2.5, 5., 9.]) (float32)
    exact(T([1, 5, 9]).clamp(2.5), [2.5, 5, 9], "float32");
    // torch: torch.clamp(tensor([1,5,9]), 2, 6) -> tensor([2, 5, 6]) (int)
    exact(T([1, 5, 9]).clamp(2, 6), [2, 5, 6], "int32");
    // torch: torch.clamp(tensor([1.,5,9]), 6, 2) -> tensor([2., 2., 2.])
    exact(T([1.5, 5, 9]).clamp(6, 2), [2, 2, 2]);
    // torch: torch.clamp(tensor([nan,1.]), 0, 0.5) -> tensor([nan, 0.5])
    close(T([NaN, 1.5]).clamp(0, 0.5), [NaN, 0.5]);
  });
  it("erf to float64 precision", () => {
    // torch: torch.erf(tensor([-3,-0.5,0,0.3,1,2.5,4],dtype=float64)).tolist()
    const want = [
      -0.9999779095030014, -0.5204998778130465, 0.0, 0.3286267594591274, 0.8427007929497149, 0.999593047982555, 0.9999999845827421,
    ];
    close(T([-3, -0.5, 0, 0.3, 1, 2.5, 4], { dtype: "float64" }).erf(), want, { atol: 0, rtol: 1e-15 });
  });
  it("expm1 and log1p are accurate near 0", () => {
    // torch: expm1(1e-10) -> 1.00000000005e-10 ; log1p(1e-10) -> 9.999999999500001e-11
    close(T([1e-10], { dtype: "float64" }).expm1(), [1.00000000005e-10], { atol: 0, rtol: 1e-15 });
    close(T([1e-10], { dtype: "float64" }).log1p(), [9.999999999500001e-11], { atol: 0, rtol: 1e-15 });
  });
  it("domain edges give NaN and infinities, as PyTorch", () => {
    // torch: sqrt([-1.,0,4]) -> [nan, 0, 2]; log([-1.,0,1]) -> [nan, -inf, 0]; rsqrt([0.,4]) -> [inf, 0.5];
    //        reciprocal([0.,-0.,4]) -> [inf, -inf, 0.25]
    const f = (v: number[]) => T(v, { dtype: "float32" });
    close(f([-1, 0, 4]).sqrt(), [NaN, 0, 2]);
    close(f([-1, 0, 1]).log(), [NaN, -Infinity, 0]);
    close(f([0, 4]).rsqrt(), [Infinity, 0.5]);
    close(f([0, -0, 4]).reciprocal(), [Infinity, -Infinity, 0.25]);
  });
  it("float functions of int tensors give the default float; abs, square, floor keep int", () => {
    // torch: torch.exp(tensor([0,1])).dtype -> float32; abs([-3,2]) -> [3,2] int; square -> [9,4] int; floor -> int
    close(T([0, 1]).exp(), [1, Math.E], { dtype: "float32" });
    exact(T([-3, 2]).abs(), [3, 2], "int32");
    exact(T([-3, 2]).square(), [9, 4], "int32");
    exact(T([-3, 2]).floor(), [-3, 2], "int32");
    assert.equal(T([4]).sqrt().dtype, "float32");
    tl.setDefaultDtype("float64");
    try {
      assert.equal(T([4]).sqrt().dtype, "float64");
    } finally {
      tl.setDefaultDtype("float32");
    }
  });
  it("predicates", () => {
    // torch: logical_not([0.,2,nan]) -> [True, False, False]
    exact(T([0, 2, NaN]).logicalNot(), [true, false, false], "bool");
    // torch: isinf([1,inf,-inf,nan]) -> [F,T,T,F]; isfinite -> [T,F,F,F]
    const v = T([1, Infinity, -Infinity, NaN]);
    exact(v.isinf(), [false, true, true, false]);
    exact(v.isfinite(), [true, false, false, false]);
    exact(v.isnan(), [false, false, false, true]);
    assert.equal(f64([1]).isnan().requiresGrad, false);
  });
  it("sin, cos, exp, log by their definitions", () => {
    const x = T([0, Math.PI / 6, 1], { dtype: "float64" });
    close(x.sin(), [0, 0.5, Math.sin(1)], { atol: 1e-15 });
    close(x.cos(), [1, Math.sqrt(3) / 2, Math.cos(1)], { atol: 1e-15 });
    close(x.exp().log(), [0, Math.PI / 6, 1], { atol: 1e-15 });
  });
});

describe("unary errors", () => {
  it("neg of a bool tensor is refused, as PyTorch", () => {
    // torch: "Negation, the `-` operator, on a bool tensor is not supported."
    throwsWith(() => T([true]).neg(), tl.DTypeError, /^neg: negating a bool tensor is not supported.*logicalNot/);
  });
  it("clamp needs a bound and refuses NaN bounds", () => {
    // torch: "torch.clamp: At least one of 'min' or 'max' must not be None"
    throwsWith(() => tl.ones([2]).clamp(), tl.ValueError, /^clamp: at least one of min or max must be given/);
    throwsWith(() => tl.ones([2]).clamp(null, null), tl.ValueError, /^clamp: at least one of min or max/);
    throwsWith(() => tl.ones([2]).clamp(NaN, 1), tl.ValueError, /^clamp: bounds must not be NaN, got min=NaN, max=1/);
  });
});
