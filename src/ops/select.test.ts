// where / maskedFill: float64 gradient checks with three-way broadcasting and number operands,
// values and dtype promotion against PyTorch 1.13, and error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { close, exact, f64, randf64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;
const c = T([true, false, true]);

describe("select gradcheck (float64)", () => {
  const cases: [string, (...x: tl.Tensor[]) => tl.Tensor, () => tl.Tensor[]][] = [
    ["where same shapes", (a, b) => tl.where(c, a, b), () => [randf64([3], 1), randf64([3], 2)]],
    ["where three-way broadcast", (a, b) => tl.where(T([[true], [false], [true]]), a, b), () => [randf64([1, 4], 1), randf64([3, 4], 2)]],
    ["where number for b", (a) => tl.where(c, a, 0.5), () => [randf64([2, 3], 3)]],
    ["where number for a", (b) => tl.where(c, -1, b), () => [randf64([3], 4)]],
    ["where method form", (a, b) => a.where(c, b), () => [randf64([3], 5), randf64([], 6)]],
    ["where with the same tensor on both sides", (a) => tl.where(c, a.mul(2), a), () => [randf64([3], 7)]],
    [
      "maskedFill",
      (x) =>
        x.maskedFill(
          T([
            [true, false, false],
            [false, false, true],
          ]),
          3,
        ),
      () => [randf64([2, 3], 8)],
    ],
    ["maskedFill broadcast mask", (x) => tl.maskedFill(x, T([false, true, false]), -2), () => [randf64([2, 3], 9)]],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => {
      tl.gradCheck(fn, make(), { name });
    });
  }
});

describe("select values against PyTorch 1.13", () => {
  it("where promotes like a binary op", () => {
    // torch: where(c, tensor([1,2,3]), 1.5) -> [1.0, 1.5, 3.0] (float32)
    exact(tl.where(c, T([1, 2, 3]), 1.5), [1, 1.5, 3], "float32");
    // torch: where(c, tensor([1,2,3]), tensor([1.5,2.5,3.5],dtype=float64)) -> [1.0, 2.5, 3.0] float64
    exact(tl.where(c, T([1, 2, 3]), T([1.5, 2.5, 3.5], { dtype: "float64" })), [1, 2.5, 3], "float64");
    // torch: where(c, 1.0, 0.0).dtype -> float32; where(c, 1, 0).dtype -> int64 (int32 here)
    assert.equal(tl.where(c, 1.5, 0.5).dtype, "float32");
    exact(tl.where(c, 1, 0), [1, 0, 1], "int32");
  });
  it("maskedFill keeps x's dtype", () => {
    // torch: tensor([1,2,3]).masked_fill(c, 1.7) -> [1, 2, 1]; tensor([1.,2,3]).masked_fill(c, nan) -> [nan, 2, nan]
    exact(T([1, 2, 3]).maskedFill(c, 1.7), [1, 2, 1], "int32");
    close(T([1.5, 2, 3]).maskedFill(c, NaN), [NaN, 2, NaN]);
  });
  it("the gradient goes to the chosen side only", () => {
    // torch: a=[1.,2,3]; where(c, a, 0.).sum().backward() -> [1, 0, 1]
    const a = f64([1, 2, 3]),
      b = f64([4, 5, 6]);
    tl.where(c, a, b).sum().backward();
    exact(a.grad, [1, 0, 1]);
    exact(b.grad, [0, 1, 0]);
    // a broadcast operand receives the sum over the broadcast dim
    const r = f64([1, 2]);
    tl.where(
      T([
        [true, false],
        [true, true],
        [false, false],
      ]),
      r,
      0,
    )
      .sum()
      .backward();
    exact(r.grad, [2, 1]);
  });
});

describe("select errors", () => {
  it("a non-bool condition or mask", () => {
    // torch: "where expected condition to be a boolean tensor, but got a tensor with dtype Float"
    throwsWith(
      () => tl.where(T([1, 0]), tl.ones([2]), tl.zeros([2])),
      tl.DTypeError,
      /^where: condition must be a bool tensor, got int32 \[2\]/,
    );
    throwsWith(
      () => tl.ones([3]).maskedFill(T([1, 0, 1], { dtype: "float32" }), 0),
      tl.DTypeError,
      /^maskedFill: mask must be a bool tensor, got float32 \[3\]/,
    );
  });
  it("shapes that do not broadcast", () => {
    // torch: "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
    throwsWith(
      () => tl.where(T([true, false]), tl.ones([3]), 0),
      tl.ShapeError,
      /^where: shapes \[2\] and \[3\] and \[\] cannot be broadcast/,
    );
    throwsWith(
      () => tl.where(c, tl.ones([2, 3]), tl.ones([3, 3])),
      tl.ShapeError,
      /^where: shapes \[3\] and \[2, 3\] and \[3, 3\] cannot be broadcast/,
    );
  });
});
