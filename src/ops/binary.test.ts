// Broadcasting binary ops: float64 gradient checks (every operand kind: same shape, broadcast,
// 0-d tensor, JS number on either side), forward values and dtypes against PyTorch 1.13,
// error messages, and fast-check properties of the broadcasting rule.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tl from "../index.js";
import { close, exact, f64, randf64, spread, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

describe("binary gradcheck (float64)", () => {
  const cases: [string, () => { fn: (...x: tl.Tensor[]) => tl.Tensor; inputs: tl.Tensor[] }][] = [
    ["add same shape", () => ({ fn: (a, b) => a.add(b), inputs: [randf64([2, 3], 1), randf64([2, 3], 2)] })],
    ["add broadcast [2,3]+[3]", () => ({ fn: (a, b) => a.add(b), inputs: [randf64([2, 3], 1), randf64([3], 2)] })],
    ["add broadcast [2,1,3]+[4,1]", () => ({ fn: (a, b) => tl.add(a, b), inputs: [randf64([2, 1, 3], 1), randf64([4, 1], 2)] })],
    ["add 0-d tensor", () => ({ fn: (a, b) => a.add(b), inputs: [randf64([2, 3], 1), randf64([], 2)] })],
    ["add number", () => ({ fn: (a) => a.add(1.5), inputs: [randf64([4], 1)] })],
    ["add number first", () => ({ fn: (a) => tl.add(1.5, a), inputs: [randf64([4], 1)] })],
    ["add alpha", () => ({ fn: (a, b) => a.add(b, 2.5), inputs: [randf64([2, 3], 1), randf64([3], 2)] })],
    ["sub broadcast", () => ({ fn: (a, b) => a.sub(b), inputs: [randf64([3, 1], 1), randf64([1, 4], 2)] })],
    ["sub alpha", () => ({ fn: (a, b) => a.sub(b, -0.5), inputs: [randf64([2, 3], 1), randf64([2, 3], 2)] })],
    ["sub number first", () => ({ fn: (a) => tl.sub(1, a), inputs: [randf64([4], 1)] })],
    ["mul broadcast", () => ({ fn: (a, b) => a.mul(b), inputs: [randf64([2, 3, 4], 1), randf64([3, 1], 2)] })],
    ["mul same tensor twice", () => ({ fn: (a) => a.mul(a), inputs: [randf64([5], 1)] })],
    ["mul number first", () => ({ fn: (a) => tl.mul(-3, a), inputs: [randf64([4], 1)] })],
    ["mul 0-d times 0-d", () => ({ fn: (a, b) => a.mul(b), inputs: [randf64([], 1), randf64([], 2)] })],
    ["div broadcast", () => ({ fn: (a, b) => a.div(b), inputs: [randf64([2, 3], 1), spread([3], 2, 0.5)] })],
    ["div number first", () => ({ fn: (a) => tl.div(2, a), inputs: [spread([4], 1, 0.5)] })],
    ["div by number", () => ({ fn: (a) => a.div(4), inputs: [randf64([4], 1)] })],
    ["pow scalar 3", () => ({ fn: (a) => a.pow(3), inputs: [randf64([2, 3], 1)] })],
    ["pow scalar -2", () => ({ fn: (a) => a.pow(-2), inputs: [spread([4], 1, 0.5)] })],
    [
      "pow scalar 0.5 (positive base)",
      () => ({ fn: (a) => a.pow(0.5), inputs: [randf64([4], 1).abs().add(0.5).detach().requiresGrad_()] }),
    ],
    [
      "pow tensor exponent broadcast",
      () => ({ fn: (a, b) => a.pow(b), inputs: [randf64([2, 3], 1).abs().add(0.5).detach().requiresGrad_(), randf64([3], 2)] }),
    ],
    ["pow number base", () => ({ fn: (b) => tl.pow(2, b), inputs: [randf64([4], 1)] })],
    ["maximum broadcast", () => ({ fn: (a, b) => a.maximum(b), inputs: [spread([2, 3], 1), spread([3], 2)] })],
    ["maximum number", () => ({ fn: (a) => a.maximum(0.05), inputs: [spread([6], 1)] })],
    ["minimum broadcast", () => ({ fn: (a, b) => a.minimum(b), inputs: [spread([3, 1], 1), spread([1, 3], 2)] })],
    // a / b away from integers, where remainder jumps
    ["remainder", () => ({ fn: (a, b) => a.remainder(b), inputs: [f64([5.5, -3.2, 7.3, -0.4]), f64([2, 1.5, -3, 0.7])] })],
    ["remainder number", () => ({ fn: (a) => a.remainder(1.5), inputs: [f64([5.6, -3.2, 0.4])] })],
    ["atan2 broadcast", () => ({ fn: (a, b) => a.atan2(b), inputs: [randf64([2, 3], 1), spread([3], 2, 0.3)] })],
    ["atan2 number", () => ({ fn: (a) => a.atan2(-2), inputs: [randf64([4], 1)] })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const { fn, inputs } = make();
      tl.gradCheck(fn, inputs, { name });
    });
  }
});

describe("binary second-order gradcheck (float64, createGraph)", () => {
  // the backward rules are themselves built from these ops, so their gradients must be right too
  const cases: [string, (x: tl.Tensor) => tl.Tensor, () => tl.Tensor][] = [
    ["mul", (x) => x.mul(x.flip(0)), () => randf64([4], 1)],
    ["div number first", (x) => tl.div(2, x), () => spread([4], 2, 0.5)],
    ["sub number first", (x) => tl.sub(1, x).pow(3), () => randf64([4], 3)],
    ["pow tensor exponent", (x) => x.pow(x), () => randf64([4], 4).abs().add(0.5).detach().requiresGrad_()],
    ["pow number base", (x) => tl.pow(2, x), () => randf64([4], 5)],
    ["atan2", (x) => x.atan2(x.mul(2).add(1)), () => randf64([4], 6)],
    ["maximum", (x) => x.maximum(x.flip(0)).pow(2), () => spread([4], 7)],
  ];
  for (const [name, f, make] of cases) {
    it(name, () => {
      // enableGrad: gradCheck evaluates fn inside noGrad for its finite differences
      const df = (x: tl.Tensor): tl.Tensor => tl.enableGrad(() => tl.grad(f(x).sum(), [x], undefined, { createGraph: true })[0]!);
      tl.gradCheck(df, [make()], { name: `d/dx ${name}` });
    });
  }
});

describe("binary forward values and dtypes (PyTorch 1.13)", () => {
  it("int tensor with a float number gives the default float; a float 0-d tensor gives its own dtype", () => {
    // torch: (torch.tensor([1,2],dtype=torch.int32)+2.5).dtype -> float32
    exact(T([1, 2]).add(2.5), [3.5, 4.5], "float32");
    // torch: int32 tensor + torch.tensor(2.5, dtype=float64) -> float64
    exact(T([1, 2]).add(T(2.5, { dtype: "float64" })), [3.5, 4.5], "float64");
    // torch: float32 [1] tensor + float64 0-d tensor -> float32 (dimensioned tensor wins within a kind)
    assert.equal(T([1], { dtype: "float32" }).add(T(2.5, { dtype: "float64" })).dtype, "float32");
    // torch: int32 tensor + True -> int32
    exact(T([1, 2]).add(true), [2, 3], "int32");
    // torch: torch.tensor([True,False])+1 -> tensor([2, 1]) (int)
    exact(T([true, false]).add(1), [2, 1], "int32");
  });
  it("True + True is True and True * True is True (bool storage stays 0/1)", () => {
    // torch: torch.tensor([True])+torch.tensor([True]) -> tensor([True])
    const s = T([true, true, false]).add(T([true, false, false]));
    exact(s, [true, true, false], "bool");
    exact(s.eq(true), [true, true, false]);
    exact(T([true, false]).mul(T([true, true])), [true, false], "bool");
  });
  it("integer division gives float; floorDivide floors toward -inf", () => {
    // torch: torch.tensor([1,2],dtype=int32)/torch.tensor([2,4],dtype=int32) -> tensor([0.5000, 0.5000])
    exact(T([1, 2]).div(T([2, 4])), [0.5, 0.5], "float32");
    // torch: torch.tensor([7,-7])//2 -> tensor([ 3, -4])
    exact(T([7, -7]).floorDivide(2), [3, -4], "int32");
    // torch: torch.floor_divide(torch.tensor([7,-7],dtype=int32), 2.5) -> tensor([ 2., -3.])
    exact(T([7, -7]).floorDivide(2.5), [2, -3], "float32");
  });
  it("remainder takes the divisor's sign", () => {
    // torch: torch.remainder(torch.tensor([-3.,3,-3,3,5.5,-5.5]), torch.tensor([2.,-2,-2,2,2,2]))
    //        -> tensor([ 1., -1., -1., 1., 1.5, 0.5])
    exact(
      T([-3, 3, -3, 3, 5.5, -5.5], { dtype: "float64" }).remainder(T([2, -2, -2, 2, 2, 2], { dtype: "float64" })),
      [1, -1, -1, 1, 1.5, 0.5],
    );
    // torch (int64): tensor([ 1, -1, -1,  1])
    exact(T([-3, 3, -3, 3]).remainder(T([2, -2, -2, 2])), [1, -1, -1, 1], "int32");
  });
  it("maximum / minimum propagate NaN", () => {
    // torch: torch.maximum(tensor([1., nan, 3]), tensor([nan, 2., 1])) -> tensor([nan, nan, 3.])
    //        torch.minimum(...) -> tensor([nan, nan, 1.])
    const a = T([1, NaN, 3]),
      b = T([NaN, 2, 1]);
    close(a.maximum(b), [NaN, NaN, 3]);
    close(a.minimum(b), [NaN, NaN, 1]);
  });
  it("maximum / minimum split the gradient evenly on ties", () => {
    // torch: x=[1,2,5], y=[1,3,4]; maximum(x,y).sum().backward() -> x.grad [0.5,0,1], y.grad [0.5,1,0]
    //        minimum(x,y).sum().backward() -> x.grad [0.5,1,0], y.grad [0.5,0,1]
    for (const [op, gx, gy] of [
      ["maximum", [0.5, 0, 1], [0.5, 1, 0]],
      ["minimum", [0.5, 1, 0], [0.5, 0, 1]],
    ] as const) {
      const x = f64([1, 2, 5]),
        y = f64([1, 3, 4]);
      (op === "maximum" ? x.maximum(y) : x.minimum(y)).sum().backward();
      exact(x.grad, [...gx]);
      exact(y.grad, [...gy]);
    }
  });
  it("pow gradients at a zero base follow PyTorch", () => {
    // torch: x=[0.,0,2]; pow(x, 0.).sum().backward() -> x.grad [0,0,0]
    const x = f64([0, 0, 2]);
    x.pow(0).sum().backward();
    exact(x.grad, [0, 0, 0]);
    // torch: x=[0.,0,2], e=[0.,2,3]; pow(x,e).sum().backward() -> x.grad [0,0,12], e.grad [0,0,5.5452]
    const b = f64([0, 0, 2]),
      e = f64([0, 2, 3]);
    b.pow(e).sum().backward();
    exact(b.grad, [0, 0, 12]);
    close(e.grad, [0, 0, 8 * Math.log(2)]); // d/de 2^3 = 2^3 ln 2
  });
  it("pow with a number base differentiates the exponent", () => {
    // torch: x=[1.,2,3]; torch.pow(2,x).sum().backward() -> x.grad [1.3863, 2.7726, 5.5452] = 2^x ln 2
    const x = f64([1, 2, 3]);
    tl.pow(2, x).sum().backward();
    close(x.grad, [2 * Math.LN2, 4 * Math.LN2, 8 * Math.LN2]);
  });
  it("number-first sub / div / mul send the right gradient", () => {
    // d(1 - x) = -1 ; d(2 / x) = -2 / x^2 ; d(-3 x) = -3
    const x = f64([1, 2, 4]);
    tl.sub(1, x).sum().backward();
    exact(x.grad, [-1, -1, -1]);
    x.grad = null;
    tl.div(2, x).sum().backward();
    exact(x.grad, [-2, -0.5, -0.125]);
    x.grad = null;
    tl.mul(-3, x).sum().backward();
    exact(x.grad, [-3, -3, -3]);
  });
  it("int powers stay int; fractional powers give float", () => {
    // torch: torch.tensor([2,3],dtype=int32)**torch.tensor([2,0],dtype=int32) -> tensor([4, 1], dtype=torch.int32)
    exact(T([2, 3]).pow(T([2, 0])), [4, 1], "int32");
    // torch: (torch.tensor([2,3])**0.5).dtype -> float32
    close(T([4, 9]).pow(0.5), [2, 3], { dtype: "float32" });
  });
  it("add with alpha", () => {
    // torch: torch.add(tensor([1.,2]), tensor([3.,4]), alpha=2.5) -> tensor([ 8.5, 12.])
    exact(T([1, 2], { dtype: "float64" }).add(T([3, 4], { dtype: "float64" }), 2.5), [8.5, 12]);
    exact(T([1, 2], { dtype: "float64" }).sub(T([3, 4], { dtype: "float64" }), 2), [-5, -6]);
  });
  it("remainder gradient with respect to the divisor is -floor(a / b)", () => {
    // torch: x=[5.5,-3.2], y=[2.,1.5]; remainder(x,y).sum().backward() -> x.grad [1,1], y.grad [-2,3]
    const x = f64([5.5, -3.2]),
      y = f64([2, 1.5]);
    x.remainder(y).sum().backward();
    exact(x.grad, [1, 1]);
    exact(y.grad, [-2, 3]);
  });
  it("atan2 covers all four quadrants", () => {
    // torch: torch.atan2(tensor([1.,-1,0,1]), tensor([1.,-1,-1,0])) -> [0.7854, -2.3562, 3.1416, 1.5708]
    close(T([1, -1, 0, 1], { dtype: "float64" }).atan2(T([1, -1, -1, 0], { dtype: "float64" })), [
      Math.PI / 4,
      (-3 * Math.PI) / 4,
      Math.PI,
      Math.PI / 2,
    ]);
  });
  it("comparisons cast to the promoted type first, as PyTorch", () => {
    // torch: torch.tensor([0.1]) == 0.1 -> True (0.1 rounded to float32);
    //        torch.tensor([0.1],dtype=float64) == torch.tensor([0.1]) -> False
    exact(T([0.1]).eq(0.1), [true], "bool");
    exact(T([0.1], { dtype: "float64" }).eq(T([0.1])), [false]);
    // torch: torch.tensor([1,2,3]) == torch.tensor([1.,2.5,3]) -> [True, False, True]
    exact(T([1, 2, 3]).eq(T([1, 2.5, 3])), [true, false, true]);
    exact(T([1, 2, 3]).lt(2), [true, false, false]);
    exact(T([1, 2, 3]).le(2), [true, true, false]);
    exact(T([1, 2, 3]).gt(2), [false, false, true]);
    exact(T([1, 2, 3]).ge(2), [false, true, true]);
    exact(T([1, 2, 3]).ne(2), [true, false, true]);
    exact(T([NaN]).eq(T([NaN])), [false]);
    exact(T([NaN]).ne(T([NaN])), [true]);
  });
  it("logical ops treat nonzero as true", () => {
    // torch: torch.logical_xor(tensor([0.,1,2]), tensor([1.,1,0])) -> [True, False, True]
    exact(T([0, 1, 2]).logicalXor(T([1, 1, 0])), [true, false, true], "bool");
    exact(T([0, 1, 2]).logicalAnd(T([1, 1, 0])), [false, true, false]);
    exact(T([0, 1, 0]).logicalOr(T([0, 0, -3])), [false, true, true]);
  });
  it("comparisons and floorDivide record no graph", () => {
    const x = f64([1, 2]);
    assert.equal(x.gt(1).requiresGrad, false);
    assert.equal(x.floorDivide(2).requiresGrad, false);
  });
});

describe("broadcast runs against a direct loop over output positions", () => {
  // the kernels take fast paths for b broadcast along rows ([R, C] op [R, 1]) and for one row
  // over all rows ([R, C] op [C]); every shape here must give the direct definition's bits
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [3, 1],
    ],
    [
      [2, 3, 5],
      [2, 3, 1],
    ],
    [
      [64, 10],
      [64, 1],
    ],
    [[3, 4], [4]],
    [
      [3, 4],
      [1, 4],
    ],
    [
      [2, 3, 4],
      [1, 1, 4],
    ],
    [
      [2, 3, 4],
      [2, 1, 1],
    ],
    [
      [2, 3, 4],
      [1, 3, 1],
    ],
    [
      [3, 1],
      [3, 1],
    ],
    [
      [0, 4],
      [0, 1],
    ],
    [
      [40, 128],
      [40, 1],
    ],
    [[40, 128], [128]],
  ];
  const ops = {
    add: (x: number, y: number) => x + y,
    sub: (x: number, y: number) => x - y,
    mul: (x: number, y: number) => x * y,
    div: (x: number, y: number) => x / y,
  };
  for (const dtype of ["float32", "float64"] as const) {
    for (const [aShape, bShape] of shapes) {
      it(`${dtype} [${aShape}] with [${bShape}]`, () => {
        const a = tl.randn(aShape, { dtype }),
          b = tl.randn(bShape, { dtype }).add(0.5);
        const av = a.data,
          bv = b.data;
        const cols = aShape[aShape.length - 1]!;
        const bs = [...new Array<number>(aShape.length - bShape.length).fill(1), ...bShape];
        const bStrides = bs.map((d, i) => (d === 1 ? 0 : bs.slice(i + 1).reduce((p, q) => p * q, 1)));
        for (const [name, f] of Object.entries(ops)) {
          const got = (a as unknown as Record<string, (o: tl.Tensor) => tl.Tensor>)[name]!(b).data;
          const want = dtype === "float32" ? new Float32Array(av.length) : new Float64Array(av.length);
          for (let i = 0; i < av.length; i++) {
            // the position of output i in b: the output index's digits times b's strides
            let rest = i,
              j = 0;
            for (let d = aShape.length - 1; d >= 0; d--) {
              const size = d === aShape.length - 1 ? cols : aShape[d]!;
              j += (rest % size) * bStrides[d]!;
              rest = Math.floor(rest / size);
            }
            want[i] = f(av[i]!, bv[j]!);
          }
          assert.deepEqual(Array.from(got), Array.from(want), `${name}`);
        }
      });
    }
  }
});

describe("binary errors", () => {
  it("incompatible broadcasting names the op, both shapes and the dim", () => {
    // torch: "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
    throwsWith(
      () => tl.ones([2, 3]).add(tl.ones([4])),
      tl.ShapeError,
      /^add: shapes \[2, 3\] and \[4\] cannot be broadcast: dim -1 is 3 in one and 4 in another/,
    );
    throwsWith(() => tl.ones([2, 3]).mul(tl.ones([2])), tl.ShapeError, /^mul: shapes \[2, 3\] and \[2\]/);
    throwsWith(() => tl.ones([5, 1]).sub(tl.ones([4, 3])), tl.ShapeError, /^sub: shapes \[5, 1\] and \[4, 3\].*dim -2 is 5 in one and 4/);
    throwsWith(() => tl.ones([3]).div(tl.ones([2])), tl.ShapeError, /^div: shapes \[3\] and \[2\]/);
    throwsWith(() => tl.ones([3]).pow(tl.ones([2])), tl.ShapeError, /^pow: shapes/);
    throwsWith(() => tl.ones([3]).maximum(tl.ones([2])), tl.ShapeError, /^maximum: shapes/);
    throwsWith(() => tl.ones([3]).eq(tl.ones([2])), tl.ShapeError, /^eq: shapes \[3\] and \[2\]/);
    throwsWith(() => tl.ones([3]).atan2(tl.ones([2])), tl.ShapeError, /^atan2: shapes/);
  });
  it("bool - bool is refused, as PyTorch", () => {
    // torch: "Subtraction, the `-` operator, with two bool tensors is not supported."
    throwsWith(() => T([true]).sub(T([false])), tl.DTypeError, /^sub: subtracting two bool tensors is not supported.*logicalXor/);
  });
  it("integer division by zero is refused, as PyTorch (ZeroDivisionError)", () => {
    // torch: torch.tensor([5,3])//0 and torch.remainder(torch.tensor([5,3]), 0) -> RuntimeError: ZeroDivisionError
    throwsWith(() => T([5, 3]).floorDivide(0), tl.ValueError, /^floorDivide: integer division by zero \(the int32 divisor has a 0 entry\)/);
    throwsWith(() => T([5, 3]).remainder(T([1, 0])), tl.ValueError, /^remainder: integer division by zero/);
    // float division by zero is IEEE: floor(5 / 0) = inf, 5 mod 0 = NaN
    close(T([5, -5], { dtype: "float32" }).floorDivide(0), [Infinity, -Infinity]);
    close(T([5], { dtype: "float32" }).remainder(0), [NaN]);
  });
  it("integers to negative integer powers are refused, as PyTorch", () => {
    // torch: "Integers to negative integer powers are not allowed."
    throwsWith(() => T([2, 3]).pow(-1), tl.DTypeError, /^pow: integers to negative integer powers are not allowed.*got exponent -1/);
  });
  it("float floorDivide follows PyTorch's div_floor (from fmod, signed zeros) and pow C's special cases", () => {
    // torch.floor_divide(a, b) for a = [1, -1, 5, -5, 0, -0, 7.5, inf, 3, 0.3],
    // b = [-inf, inf, -0, 0, -2, 3, -0.5, 2, nan, 0.1]: float32 and float64 differ in the last one
    const a = [1, -1, 5, -5, 0, -0, 7.5, Infinity, 3, 0.3];
    const b = [-Infinity, Infinity, -0, 0, -2, 3, -0.5, 2, NaN, 0.1];
    const want = [-1, -1, -Infinity, -Infinity, -0, -0, -15, NaN, NaN];
    for (const [dtype, last] of [
      ["float32", 3],
      ["float64", 2],
    ] as const) {
      const got = Array.from(T(a, { dtype }).floorDivide(T(b, { dtype })).storage);
      want.concat([last]).forEach((w, i) => assert.ok(Object.is(got[i], w), `${dtype} ${a[i]} // ${b[i]}: ${got[i]}, torch ${w}`));
      // torch.pow([1, 1, -1, -1, nan, 2], [nan, inf, inf, -inf, 0, nan]) -> [1, 1, 1, 1, 1, nan] (JS's ** gives NaN for 1 ** NaN)
      const p = Array.from(T([1, 1, -1, -1, NaN, 2], { dtype }).pow(T([NaN, Infinity, Infinity, -Infinity, 0, NaN], { dtype })).storage);
      assert.deepEqual(p, [1, 1, 1, 1, 1, NaN]);
      assert.deepEqual(Array.from(T([1, -1], { dtype }).pow(NaN).storage), [1, NaN]);
    }
  });
  it("subtraction with any bool operand is refused, as PyTorch's sub_check", () => {
    // torch.sub(torch.tensor([1, 2]), True), torch.sub(True, x) and int - bool tensor all raise
    // "Subtraction, the `-` operator, with a bool tensor is not supported"
    const b = T([true, false]);
    throwsWith(() => T([1, 2]).sub(true), tl.DTypeError, /^sub: got a bool second operand/);
    throwsWith(() => tl.sub(true, T([1.5, 2])), tl.DTypeError, /^sub: got a bool first operand/);
    throwsWith(() => T([1, 2]).sub(b), tl.DTypeError, /^sub: got a bool second operand/);
    throwsWith(() => tl.sub(b, 2.5), tl.DTypeError, /^sub: got a bool first operand/);
    assert.deepEqual(Array.from(T([1, 2]).sub(1).storage), [0, 1]);
  });
  it("integer powers with a tensor of exponents compute, and wrap as C integers", () => {
    // torch.pow(torch.tensor([2,3,1,-1,-1,0]), torch.tensor([1,-2,-5,-3,-2,-1])) -> [2, 0, 1, -1, 1, 0];
    // torch.pow(2, torch.tensor([-1, 3])) -> [0, 8]
    assert.deepEqual(Array.from(T([2, 3, 1, -1, -1, 0]).pow(T([1, -2, -5, -3, -2, -1])).storage), [2, 0, 1, -1, 1, 0]);
    assert.deepEqual(Array.from(tl.pow(2, T([-1, 3])).storage), [0, 8]);
    // int32 products past 2^53 keep C's low bits: 2147483647^2 = 2^62 - 2^32 + 1 is 1 mod 2^32
    // (a float product rounds the 1 away and gives 0)
    const big = T([2147483647, 46341, -3]);
    assert.deepEqual(Array.from(big.mul(big).storage), [1, -2147479015, 9]);
    assert.deepEqual(Array.from(big.square().storage), [1, -2147479015, 9]);
    assert.deepEqual(Array.from(big.pow(2).storage), [1, -2147479015, 9]);
    assert.deepEqual(Array.from(T([2147483647, 65536]).prod().storage), [-65536]);
    assert.deepEqual(Array.from(T([2147483647, 2147483647, 3]).prod().storage), [3]);
  });
});

/** Shapes that broadcast together: a common output shape, each operand dropping leading dims and setting some to 1. */
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) => {
  const operand = fc
    .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
  return fc.tuple(operand, operand);
});

/** NumPy's rule, written independently of src/: right-align, each pair equal or one of them 1. */
function numpyBroadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1,
      y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

describe("broadcasting properties (fast-check)", () => {
  it("add's result shape is NumPy's, add is commutative, and gradients come back in each operand's shape", () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer(), ([sa, sb], seed) => {
        tl.manualSeed(seed);
        const a = tl.randn(sa, { dtype: "float64", requiresGrad: true });
        const b = tl.randn(sb, { dtype: "float64", requiresGrad: true });
        const y = a.add(b);
        assert.deepEqual(y.shape, numpyBroadcast(sa, sb));
        assert.deepEqual(Array.from(b.add(a).storage), Array.from(y.storage));
        y.sum().backward();
        assert.deepEqual(a.grad!.shape, sa);
        assert.deepEqual(b.grad!.shape, sb);
        // each element of a is used numel(y) / numel(a) times
        const uses = y.numel() / a.numel();
        assert.ok(a.grad!.storage.every((v) => v === uses));
      }),
      { numRuns: 50, seed: 11 },
    );
  });
  it("mul's gradient summed to each operand's size matches the explicit expand-and-sum", () => {
    fc.assert(
      fc.property(broadcastPair, fc.integer(), ([sa, sb], seed) => {
        tl.manualSeed(seed);
        const a = tl.randn(sa, { dtype: "float64", requiresGrad: true });
        const b = tl.randn(sb, { dtype: "float64" });
        const y = a.mul(b);
        const w = tl.randn(y.shape, { dtype: "float64" });
        y.backward(w);
        // d(sum w a b)/da = sumToSize(w * b, a.shape)
        const want = w.mul(b.expand(y.shape)).sumToSize(sa);
        close(a.grad, want.toArray(), { atol: 1e-12 });
      }),
      { numRuns: 50, seed: 12 },
    );
  });
  it("shapes with a mismatched non-1 pair always throw ShapeError", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 3 }), fc.nat(), (s, k) => {
        const other = s.slice();
        other[k % s.length]! += 1; // neither size is 1, and they differ
        assert.throws(() => tl.zeros(s).add(tl.zeros(other)), tl.ShapeError);
      }),
      { numRuns: 50, seed: 13 },
    );
  });
});

describe("float64 with a JS-number operand stays float64 (bit-exact, forward and gradient)", () => {
  // Every binary op with a number operand, on float64 tensors, against the same formula in JS
  // doubles. A number lifted to the default dtype (float32) anywhere on the way (alpha * b,
  // b * b in atan2's gradient) shows up as a last-bits difference.
  const pyRem = (x: number, y: number): number => {
    const r = x % y;
    return r !== 0 && r < 0 !== y < 0 ? r + y : r;
  };
  type Row = [
    name: string,
    op: (x: tl.Tensor, n: number) => tl.Tensor,
    fwd: (x: number, n: number) => number,
    grad: ((x: number, n: number) => number) | null,
  ];
  const rows: Row[] = [
    ["add", (x, n) => tl.add(x, n), (x, n) => x + n, () => 1],
    ["add alpha", (x, n) => tl.add(x, n, 0.3), (x, n) => x + 0.3 * n, () => 1],
    ["add number first, alpha", (x, n) => tl.add(n, x, 0.3), (x, n) => n + 0.3 * x, () => 0.3],
    ["sub", (x, n) => tl.sub(x, n), (x, n) => x - n, () => 1],
    ["sub alpha", (x, n) => tl.sub(x, n, 1 / 3), (x, n) => x - (1 / 3) * n, () => 1],
    ["sub number first, alpha", (x, n) => tl.sub(n, x, 1 / 3), (x, n) => n - (1 / 3) * x, () => -(1 / 3)],
    ["mul", (x, n) => tl.mul(x, n), (x, n) => x * n, (_x, n) => n],
    ["div", (x, n) => tl.div(x, n), (x, n) => x / n, (_x, n) => 1 / n],
    ["div number first", (x, n) => tl.div(n, x), (x, n) => n / x, (x, n) => -((1 * (n / x)) / x)],
    ["pow", (x, n) => tl.pow(tl.abs(x), n), (x, n) => Math.abs(x) ** n, null],
    ["pow number base", (x, n) => tl.pow(Math.abs(n), x), (x, n) => Math.abs(n) ** x, (x, n) => Math.abs(n) ** x * Math.log(Math.abs(n))],
    ["maximum", (x, n) => tl.maximum(x, n), (x, n) => Math.max(x, n), (x, n) => (x > n ? 1 : x === n ? 0.5 : 0)],
    ["minimum", (x, n) => tl.minimum(x, n), (x, n) => Math.min(x, n), (x, n) => (x < n ? 1 : x === n ? 0.5 : 0)],
    ["remainder", (x, n) => tl.remainder(x, n), pyRem, () => 1],
    ["floorDivide", (x, n) => tl.floorDivide(x, n), (x, n) => Math.floor(x / n), null],
    ["atan2", (x, n) => tl.atan2(x, n), (x, n) => Math.atan2(x, n), (x, n) => n / (x * x + n * n)],
    ["eq", (x, n) => tl.eq(x, n), (x, n) => Number(x === n), null],
    ["lt", (x, n) => tl.lt(x, n), (x, n) => Number(x < n), null],
    ["ge", (x, n) => tl.ge(x, n), (x, n) => Number(x >= n), null],
  ];

  it(`${rows.length} ops on random float64 values and numbers that float32 cannot hold`, () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.double({ min: -5, max: 5, noNaN: true }).filter((v) => Math.abs(v) > 1e-3),
          { minLength: 1, maxLength: 6 },
        ),
        // biome-ignore lint/suspicious/noApproximativeNumericConstant: float64 values float32 cannot hold, one of them one ulp off -Math.E
        fc.constantFrom(0.1, 1 / 3, 1 + 2 ** -40, -2.7182818284590455, 1e-7, 3.141592653589793),
        (values, n) => {
          // an element equal to n itself, so that eq/ge see a float64 equality float32 would break
          const data = [...values, n];
          for (const [name, op, fwd, grad] of rows) {
            const x = tl.tensor(Float64Array.from(data)).requiresGrad_();
            const out = op(x, n);
            const want = data.map((v) => fwd(v, n));
            assert.deepEqual(Array.from(out.storage), want, `${name}(x, ${n}) forward`);
            if (grad === null || !out.requiresGrad) continue;
            out.sum().backward();
            assert.equal(x.grad!.dtype, "float64");
            assert.deepEqual(
              Array.from(x.grad!.storage),
              data.map((v) => grad(v, n)),
              `${name}(x, ${n}) gradient`,
            );
          }
        },
      ),
      { seed: 13, numRuns: 60 },
    );
  });

  it("a number base too small for float32 keeps its float64 gradient (pow(1e-50, x))", () => {
    const x = tl.tensor([0.5, 1, 2], { dtype: "float64" }).requiresGrad_();
    const out = tl.pow(1e-50, x);
    out.sum().backward();
    assert.deepEqual(
      Array.from(x.grad!.storage),
      [0.5, 1, 2].map((v) => 1e-50 ** v * Math.log(1e-50)),
    );
  });

  it("integer tensors refuse a fractional alpha, as PyTorch", () => {
    // torch: "For integral input tensors, argument alpha must not be a floating point number."
    for (const op of [tl.add, tl.sub] as const) {
      throwsWith(
        () => op(tl.tensor([1, 2]), tl.tensor([3, 4]), 0.5),
        tl.DTypeError,
        new RegExp(`^${op.name}: alpha 0.5 is not an integer, but the operands are int32`),
      );
      exact(op(tl.tensor([1, 2]), 3, 2), op === tl.add ? [7, 8] : [-5, -4], "int32");
    }
  });
});
