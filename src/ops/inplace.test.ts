// In-place updates (add_, sub_, mul_, div_, clamp_, copy_, fill_, zero_): values, version
// counting, the refusals around autograd (leaves that require grad, tensors saved for backward),
// and shape / dtype errors, each against PyTorch 1.13's behaviour.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { close, exact, f64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

describe("in-place values", () => {
  it("arithmetic updates write into the tensor, return it and bump its version", () => {
    // torch: x=[1.,2,3]; x.add_([1.,1,1], alpha=2) -> [3, 4, 5], x._version -> 1
    const x = T([1, 2, 3], { dtype: "float64" });
    const r = x.add_(T([1, 1, 1], { dtype: "float64" }), 2);
    assert.equal(r, x);
    exact(x, [3, 4, 5]);
    assert.equal(x.version.v, 1);
    x.sub_(1);
    exact(x, [2, 3, 4]);
    x.sub_(T([1, 1, 1], { dtype: "float64" }), 0.5);
    exact(x, [1.5, 2.5, 3.5]);
    x.mul_(T([[2]], { dtype: "float64" }).reshape([1]));
    exact(x, [3, 5, 7]);
    x.div_(2);
    exact(x, [1.5, 2.5, 3.5]);
    x.clamp_(2, 3);
    exact(x, [2, 2.5, 3]);
    x.fill_(-1);
    exact(x, [-1, -1, -1]);
    x.zero_();
    exact(x, [0, 0, 0]);
    assert.equal(x.version.v, 8);
  });
  it("the other operand broadcasts to the tensor's shape", () => {
    const x = tl.zeros([2, 3]);
    x.add_(T([1, 2, 3], { dtype: "float32" }));
    exact(x, [
      [1, 2, 3],
      [1, 2, 3],
    ]);
    x.mul_(T([[2], [3]], { dtype: "float32" }));
    exact(x, [
      [2, 4, 6],
      [3, 6, 9],
    ]);
  });
  it("copy_ broadcasts and converts to the destination dtype", () => {
    // torch: zeros(2,3).copy_(tensor([1.7,-2.7,3])) -> rows [1.7,-2.7,3]; int32 destination -> [1,-2,3] (truncation)
    const f = tl.zeros([2, 3], { dtype: "float64" });
    f.copy_(T([1.7, -2.7, 3]));
    close(
      f,
      [
        [1.7, -2.7, 3],
        [1.7, -2.7, 3],
      ],
      { atol: 1e-6 },
    );
    const i = tl.zeros([2, 3], { dtype: "int32" });
    i.copy_(T([1.7, -2.7, 3]));
    exact(
      i,
      [
        [1, -2, 3],
        [1, -2, 3],
      ],
      "int32",
    );
    const b = tl.zeros([2], { dtype: "bool" });
    b.copy_(T([0, 0.5]));
    exact(b, [false, true], "bool");
  });
  it("fill_ on int and bool tensors", () => {
    exact(tl.zeros([2], { dtype: "int32" }).fill_(7), [7, 7], "int32");
    exact(tl.zeros([2], { dtype: "bool" }).fill_(true), [true, true], "bool");
  });
  it("an in-place write through a view is seen by the base, and vice versa", () => {
    const x = tl.zeros([2, 2]);
    const v = x.view([4]);
    v.add_(1);
    exact(x, [
      [1, 1],
      [1, 1],
    ]);
    x.mul_(3);
    exact(v, [3, 3, 3, 3]);
    assert.equal(v.version.v, 2);
  });
  it("inside noGrad, a leaf that requires grad can be updated (an optimizer step)", () => {
    const w = f64([1, 2]);
    w.mul(w).sum().backward();
    tl.noGrad(() => w.sub_(w.grad!, 0.25)); // w -= 0.25 * 2w
    exact(w, [0.5, 1]);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);
  });
});

describe("in-place and autograd", () => {
  it("refuses a leaf that requires grad, and a view of one", () => {
    // torch: "a leaf Variable that requires grad is being used in an in-place operation."
    const x = f64([1, 2, 3]);
    throwsWith(
      () => x.add_(1),
      tl.AutogradError,
      /^add_: the tensor written to \(shape \[3\]\) is a leaf that requires grad.*a leaf Variable that requires grad is being used in an in-place operation.*tl\.noGrad.*out-of-place op \(add\)/,
    );
    throwsWith(() => x.mul_(2), tl.AutogradError, /^mul_: the tensor written to/);
    throwsWith(() => x.zero_(), tl.AutogradError, /^zero_: the tensor written to/);
    throwsWith(() => x.copy_(T([1, 2, 3])), tl.AutogradError, /^copy_: the tensor written to/);
    throwsWith(() => x.clamp_(0, 1), tl.AutogradError, /^clamp_: the tensor written to/);
    throwsWith(() => x.relu_(), tl.AutogradError, /^relu_: the tensor written to/);
    // torch: "a view of a leaf Variable that requires grad is being used in an in-place operation."
    throwsWith(
      () => tl.select(x, 0, 1).mul_(2),
      tl.AutogradError,
      /^mul_: .*is a view of a leaf that requires grad \(the leaf has shape \[3\]\)/,
    );
    throwsWith(() => x.view([3, 1]).add_(1), tl.AutogradError, /^add_: .*a view of a leaf Variable/);
    exact(x, [1, 2, 3]);
    assert.equal(x.version.v, 0);
  });
  it("records a write to a non-leaf, or from an operand that requires grad (as PyTorch)", () => {
    // torch: w=[1.,2] requires grad; b=zeros(2); b.add_(w) -> b.requires_grad True, is_leaf False, AddBackward0
    const w = f64([1, 2]);
    const b = tl.zeros([2], { dtype: "float64" });
    b.add_(w);
    assert.equal(b.requiresGrad, true);
    assert.equal(b.isLeaf, false);
    assert.equal(b.gradFn?.name, "AddBackward0");
    // torch: y=w*2; y.div_(2) -> DivBackward0, version 1
    const y = w.mul(2);
    y.div_(2);
    assert.equal(y.gradFn?.name, "DivBackward0");
    assert.equal(y.version.v, 1);
    exact(y, [1, 2]);
  });
  it("detects a saved tensor modified after it was saved", () => {
    // torch: w=ones(3, requires_grad); a=randn(3); y=w*a; a.mul_(2); y.sum().backward() ->
    //   "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead."
    const w = f64([1, 1, 1]);
    const a = T([1, 2, 3], { dtype: "float64" });
    const y = w.mul(a);
    a.mul_(2);
    throwsWith(
      () => y.sum().backward(),
      tl.AutogradError,
      /^backward: a tensor of shape \[3\] needed by MulBackward0 was modified by an in-place operation after it was saved \(version 1, expected 0\)/,
    );
  });
  it("detects a saved output modified under noGrad, and a modification through a view", () => {
    const x = f64([0.5, 1]);
    const e = x.exp(); // exp saves its output
    tl.noGrad(() => e.add_(1));
    throwsWith(
      () => e.sum().backward(),
      tl.AutogradError,
      /needed by ExpBackward0 was modified by an in-place operation after it was saved \(version 1, expected 0\)/,
    );
    const w = f64([1, 2]);
    const a = T([[3, 4]], { dtype: "float64" });
    const y = w.mul(a);
    a.view([2]).fill_(0);
    throwsWith(() => y.sum().backward(), tl.AutogradError, /needed by MulBackward0 was modified/);
  });
  it("an unsaved tensor may change: add saves nothing", () => {
    const w = f64([1, 2]);
    const a = T([3, 4], { dtype: "float64" });
    const y = w.add(a);
    a.mul_(2);
    y.sum().backward();
    exact(w.grad, [1, 1]);
  });
});

describe("in-place errors", () => {
  it("the result must keep the tensor's shape", () => {
    // torch: "output with shape [3] doesn't match the broadcast shape [2, 3]"
    throwsWith(
      () => tl.ones([3]).add_(tl.ones([2, 3])),
      tl.ShapeError,
      /^add_: the result has shape \[2, 3\] but the tensor written to has \[3\]/,
    );
    throwsWith(() => tl.ones([3]).mul_(tl.ones([2])), tl.ShapeError, /^mul: shapes \[3\] and \[2\] cannot be broadcast/);
    // torch: "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"
    throwsWith(() => tl.ones([3]).copy_(tl.ones([2])), tl.ShapeError, /^copy_: shapes \[2\] and \[3\] cannot be broadcast/);
    throwsWith(
      () => tl.ones([3]).copy_(tl.ones([2, 3])),
      tl.ShapeError,
      /^copy_: src of shape \[2, 3\] does not broadcast to the destination's shape \[3\]/,
    );
  });
  it("a float result cannot be written into an int tensor", () => {
    // torch: "result type Float can't be cast to the desired output type Long"
    throwsWith(() => T([1, 2]).add_(1.5), tl.DTypeError, /^add_: result type float32 can't be cast to the tensor's dtype int32 in place/);
    throwsWith(() => T([1, 2]).div_(2), tl.DTypeError, /^div_: result type float32 can't be cast to the tensor's dtype int32/);
    exact(T([1, 2]).mul_(3), [3, 6], "int32");
  });
  it("an int result cannot be written into a bool tensor", () => {
    // torch: torch.tensor([True]).add_(1) -> "result type Long can't be cast to the desired output type Bool";
    // add_(True) stays bool; an int tensor takes a bool operand
    throwsWith(() => T([true]).add_(1), tl.DTypeError, /^add_: result type int32 can't be cast to the tensor's dtype bool/);
    exact(T([true, false]).add_(true), [true, true], "bool");
    exact(T([1, 2]).add_(T([true, false])), [2, 2], "int32");
  });
  it("fill_ of a bool tensor stores true for any nonzero value", () => {
    // torch: torch.tensor([True, False]).fill_(2) -> [True, True]; fill_(nan) -> [True, True]
    for (const v of [2, Number.NaN, -0.5]) assert.deepEqual(Array.from(T([true, false]).fill_(v).storage), [1, 1]);
    assert.deepEqual(Array.from(T([true, false]).fill_(0).storage), [0, 0]);
    // torch: torch.tensor([1, 2]).fill_(2.7) -> [2, 2]
    exact(T([1, 2]).fill_(2.7), [2, 2], "int32");
  });
});

describe("in-place writes through views (PyTorch's views are copies here, kept in step)", () => {
  // torch: x = torch.arange(6.).reshape(2, 3); v = x[:, 1]; w = x.t(); v.fill_(9)
  //   -> x [[0, 9, 2], [3, 9, 5]], w [[0, 3], [9, 9], [2, 5]]; then x.add_(1) -> v [10, 10]
  it("a view shares its base's version counter, as PyTorch's views", () => {
    // torch: y=zeros(2,3); v=y[0]; v.add_(1); u=y[1] -> versions v 1, y 1, u 1; y.view(6).mul_(2) -> all 2
    const y = tl.zeros([2, 3]);
    const v = tl.select(y, 0, 0);
    v.add_(1);
    const u = tl.select(y, 0, 1);
    assert.deepEqual([v.version.v, y.version.v, u.version.v], [1, 1, 1]);
    y.view([6]).mul_(2);
    assert.deepEqual([v.version.v, y.version.v, u.version.v], [2, 2, 2]);
    exact(y, [
      [2, 2, 2],
      [0, 0, 0],
    ]);
    // a writer that moves the counter before writing the view into its base (nn.init) keeps its values
    tl.nn.init.constant_(u, 5);
    exact(y, [
      [2, 2, 2],
      [5, 5, 5],
    ]);
  });
  it("a write to a select reaches its base, and the base's other views see it", () => {
    const x = tl.arange(6, { dtype: "float64" }).reshape([2, 3]);
    const v = x.select(1, 1);
    const w = x.t();
    const seen = w.version.v;
    v.fill_(9);
    assert.deepEqual(Array.from(x.storage), [0, 9, 2, 3, 9, 5]);
    assert.deepEqual(Array.from(w.storage), [0, 3, 9, 9, 2, 5]);
    assert.ok(w.version.v > seen, "a view's version counter moves with its base's");
    x.add_(1);
    assert.deepEqual(Array.from(v.storage), [10, 10]);
  });
  // torch: x.t().reshape(-1) copies (no strides express it), x.t().view(-1) raises,
  //   x.t().contiguous() copies, x[1:].view(-1) is a view
  it("reshape and contiguous copy where PyTorch copies; view refuses there", () => {
    const x = tl.arange(6, { dtype: "float64" }).reshape([2, 3]);
    x.t().reshape([-1]).fill_(0);
    x.t().contiguous().fill_(0);
    assert.deepEqual(Array.from(x.storage), [0, 1, 2, 3, 4, 5]);
    throwsWith(() => x.t().view([-1]), tl.ShapeError, /^view: the tensor \[3, 2\] is a non-contiguous view/);
    x.slice(0, 1).view([-1]).fill_(7);
    assert.deepEqual(Array.from(x.storage), [0, 1, 2, 7, 7, 7]);
  });
  // torch: x[0:1].expand(3, 3).add_(1) raises (several elements share one place); fill_ is allowed
  it("an expanded view is refused but for fill_", () => {
    const x = tl.zeros([2, 3], { dtype: "float64" });
    throwsWith(
      () => x.slice(0, 0, 1).expand([3, 3]).add_(1),
      tl.ValueError,
      /^add_: the tensor written to, of shape \[3, 3\], comes from an expand\(\)/,
    );
    x.slice(0, 0, 1).expand([3, 3]).fill_(4);
    assert.deepEqual(Array.from(x.storage), [4, 4, 4, 0, 0, 0]);
  });
});
