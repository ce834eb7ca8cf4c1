// item() is typed number (a loss or a count needs no cast); itemBool() is PyTorch's bool(t).
// The type checks below run in `npm test`'s `tsc --noEmit`; the @ts-expect-error lines fail it
// if item() ever becomes `any` or `number | boolean` again.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

describe("item", () => {
  it("gives a number, typed number, for every numeric dtype", () => {
    const loss = tl.tensor([0.25, 0.75], { dtype: "float32", requiresGrad: true }).mean();
    const v: number = loss.item();
    assert.equal(v, 0.5);
    const f64: number = tl.tensor(2.5).item();
    assert.equal(f64, 2.5);
    const count: number = tl.tensor([1, 2, 3]).gt(1).sum().item();
    assert.equal(count, 2);
    assert.equal(tl.tensor([[7]], { dtype: "int32" }).item(), 7);
    // @ts-expect-error item() is a number, not a boolean
    const wrong: boolean = tl.tensor(1).item();
    assert.equal(typeof wrong, "number");
  });

  it("gives 1 or 0 on a bool tensor; itemBool() gives true or false", () => {
    const t = tl.tensor([1, 2]).lt(3).all();
    assert.equal(t.dtype, "bool");
    assert.equal(t.item(), 1);
    assert.equal(tl.tensor([1, 2]).gt(3).any().item(), 0);
    const b: boolean = t.itemBool();
    assert.equal(b, true);
    assert.equal(tl.tensor([1, 2]).gt(3).any().itemBool(), false);
    // @ts-expect-error itemBool() is a boolean
    const wrong: number = t.itemBool();
    assert.equal(typeof wrong, "boolean");
  });

  it("itemBool() on numbers is Python's bool(): 0 and -0 are false, NaN is true", () => {
    assert.deepEqual(
      [0, -0, 0.5, -3, NaN].map((x) => tl.tensor(x).itemBool()),
      [false, false, true, true, true],
    );
    assert.equal(tl.tensor(0, { dtype: "int32" }).itemBool(), false);
  });

  it("refuses a tensor with more or fewer than one element, naming the call", () => {
    assert.throws(
      () => tl.tensor([1, 2]).item(),
      (e: unknown) => e instanceof tl.ValueError && /^item: .*shape \[2\] \(2 elements\)/.test(e.message),
    );
    assert.throws(
      () => tl.zeros([0]).itemBool(),
      (e: unknown) => e instanceof tl.ValueError && /^itemBool: .*\(0 elements\)/.test(e.message),
    );
  });
});
