// 0-d tensors, empty dims and result dtypes at the edges of the shape and indexing ops, against
// PyTorch 1.13 (each expectation is what torch returns for the same call). The broad sweep is
// test/differential/edges.test.ts; these are the cases that were wrong, one rule each.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { throwsWith } from "../../test/support/check.js";

const f32 = (v: tl.NestedArray, requiresGrad = false): tl.Tensor => tl.tensor(v, { dtype: "float32", requiresGrad });

describe("0-d tensors in indexing and shape ops (against PyTorch 1.13)", () => {
  it("indexSelect of a 0-d tensor is 0-d, with its gradient", () => {
    // torch.index_select(torch.tensor(2.5), 0, torch.tensor([0])) -> tensor(2.5)
    const s = f32(2.5, true);
    const o = tl.indexSelect(s, 0, tl.tensor([0]));
    assert.deepEqual(o.shape, []);
    assert.equal(o.item(), 2.5);
    o.backward();
    assert.equal(s.grad!.item(), 1);
    // more than one index: PyTorch's output is 0-d (uninitialised for an empty index): refused
    throwsWith(
      () => tl.indexSelect(s, 0, tl.tensor([0, 0])),
      tl.ShapeError,
      /^indexSelect: a 0-d input takes an index of one element.*got 2/,
    );
  });
  it("indexAdd into a 0-d tensor adds every src value", () => {
    // torch.index_add(torch.tensor(1.), 0, torch.tensor([0, 0]), torch.tensor([2., 3.])) -> tensor(6.)
    const x = f32(1, true);
    const src = f32([2, 3], true);
    const o = tl.indexAdd(x, 0, tl.tensor([0, 0]), src);
    assert.deepEqual(o.shape, []);
    assert.equal(o.item(), 6);
    o.backward();
    assert.equal(x.grad!.item(), 1);
    assert.deepEqual(Array.from(src.grad!.storage), [1, 1]);
    // torch.index_add(torch.tensor(1.), 0, torch.tensor(0), torch.tensor(2.)) -> tensor(3.)
    assert.equal(tl.indexAdd(f32(1), 0, tl.tensor(0), f32(2)).item(), 3);
    throwsWith(() => tl.indexAdd(f32(1), 0, tl.tensor([0]), f32([2, 3])), tl.ShapeError, /^indexAdd: src has shape \[2\]/);
  });
  it("transpose of a 0-d tensor over dims 0 / -1 is itself", () => {
    // torch.tensor(1.5).transpose(0, -1) -> tensor(1.5)
    const s = f32(1.5, true);
    const o = tl.transpose(s, 0, -1);
    assert.deepEqual(o.shape, []);
    o.backward();
    assert.equal(s.grad!.item(), 1);
  });
  it("select on a 0-d tensor is refused by name", () => {
    // torch.tensor(1.5).select(0, 0) -> IndexError: select() cannot be applied to a 0-dim tensor
    // (the error named allocate and a shape [NaN] before)
    throwsWith(() => tl.select(f32(1.5), 0, 0), tl.IndexError, /^select: got a 0-d tensor/);
  });
  it("unbind of a 0-d tensor is refused", () => {
    // torch.unbind(torch.tensor(1.), 0) -> IndexError: Dimension specified as 0 but tensor has no dimensions
    throwsWith(() => tl.unbind(f32(1), 0), tl.ShapeError, /^unbind: got a 0-d tensor/);
  });
});

describe("empty dims and result dtypes (against PyTorch 1.13)", () => {
  it("chunk of an empty dim gives `chunks` empty pieces", () => {
    // torch.chunk(torch.zeros(2, 0, 3), 2, 1) -> two tensors of size (2, 0, 3)
    assert.deepEqual(
      tl.chunk(tl.zeros([2, 0, 3]), 2, 1).map((t) => t.shape),
      [
        [2, 0, 3],
        [2, 0, 3],
      ],
    );
    assert.equal(tl.chunk(tl.zeros([0]), 3).length, 3);
  });
  it("clamp's dtype is the result type of x and the given bounds", () => {
    // torch.clamp(torch.tensor([True, False]), 0, 1) -> int64 [1, 0]; int32 tensor with -inf -> float32
    const b = tl.clamp(tl.tensor([true, false]), 0, 1);
    assert.equal(b.dtype, "int32");
    assert.deepEqual(Array.from(b.storage), [1, 0]);
    const i = tl.clamp(tl.tensor([1, -3, 5]), -Infinity);
    assert.equal(i.dtype, "float32");
    assert.deepEqual(Array.from(i.storage), [1, -3, 5]);
    assert.equal(tl.clamp(tl.tensor([1, -3, 5]), null, Infinity).dtype, "float32");
    assert.equal(tl.clamp(tl.tensor([1, -3, 5]), 0, 1).dtype, "int32");
  });
});

describe("bool storage holds 0 or 1 (against PyTorch 1.13)", () => {
  const b = () => tl.tensor([true, false]);
  const m = tl.tensor([false, true]);
  it("maskedFill of a bool tensor with a nonzero number or NaN writes true", () => {
    // torch: b.masked_fill(m, 2) -> [True, True]; masked_fill(m, nan) -> [True, True]
    assert.deepEqual(Array.from(tl.maskedFill(b(), m, 2).storage), [1, 1]);
    assert.deepEqual(Array.from(tl.maskedFill(b(), m, Number.NaN).storage), [1, 1]);
    assert.equal(tl.maskedFill(b(), m, 2).sum().item(), 2);
  });
  it("maskedFill refuses a value its dtype cannot hold, as PyTorch", () => {
    // torch: tensor([1, 2]).masked_fill(m, nan) -> "value cannot be converted to type int64_t without overflow"
    throwsWith(
      () => tl.maskedFill(tl.tensor([1, 2]), m, Number.NaN),
      tl.ValueError,
      /^maskedFill: value NaN cannot be converted to the tensor's dtype int32/,
    );
    throwsWith(
      () => tl.maskedFill(f32([1, 2]), m, 1e40),
      tl.ValueError,
      /^maskedFill: value 1e\+40 cannot be converted to the tensor's dtype float32/,
    );
    assert.deepEqual(Array.from(tl.maskedFill(f32([1, 2]), m, Number.NEGATIVE_INFINITY).storage), [1, Number.NEGATIVE_INFINITY]);
  });
  it("scatterAdd and indexAdd into bools are a logical or", () => {
    // torch.scatter_add(b, 0, [0, 0], [True, True]) -> [True, False] (storage 1, not 3)
    const s = tl.scatterAdd(b(), 0, tl.tensor([0, 0]), tl.tensor([true, true]));
    assert.deepEqual(Array.from(s.storage), [1, 0]);
    const i = tl.indexAdd(b(), 0, tl.tensor([0, 0]), tl.tensor([true, true]));
    assert.deepEqual(Array.from(i.storage), [1, 0]);
  });
});
