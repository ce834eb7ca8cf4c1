// In-place ops recorded by autograd, as PyTorch 1.13 records them: a non-leaf's gradFn becomes
// the in-place op's node (rebase), a write to a view rebases its base (CopySlices), nodes keep
// the edges they recorded, hooks and retainGrad around a rebase, and the refusals that stay
// (leaves, views of leaves, saved values modified, partly overlapping operands). Expected values
// come from PyTorch 1.13 (the programs are in the comments); gradients of recorded chains are
// also checked against finite differences in float64.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { exact, f64, throwsWith } from "../../test/support/check.js";
import { markMultiOutputViews } from "../ops/movement.js";

const T = (v: number[]) => tl.tensor(v, { dtype: "float64" });

describe("in-place ops on non-leaves are recorded", () => {
  it("a chain on a non-leaf gives the out-of-place gradient, and its gradFn and version", () => {
    // torch: x=[1.,-2,3] rg; y=x*2; y.add_(1); y.relu_(); y.sum().backward()
    //   -> x.grad [2, 0, 2], y.grad_fn ReluBackward0, y._version 2
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    y.add_(1);
    y.relu_();
    exact(y, [3, 0, 7]);
    assert.equal(y.gradFn?.name, "ReluBackward0");
    assert.equal(y.version.v, 2);
    y.sum().backward();
    exact(x.grad, [2, 0, 2]);
  });
  it("gradients of recorded chains match finite differences (float64)", () => {
    const w = f64([0.5, -1.5, 2]);
    const chains: [string, (x: tl.Tensor, w: tl.Tensor) => tl.Tensor][] = [
      ["add_ mul_ div_ sub_", (x, w) => x.mul(1).add_(w, 2).mul_(w).div_(x.exp()).sub_(w.square()).sum()],
      ["clamp_ then mul_ by itself's square", (x, w) => x.sin().clamp_(-0.5, 0.7).mul_(w.mul(w)).sum()],
      ["copy_ into a buffer, then relu_", (x, w) => tl.zeros([3], { dtype: "float64" }).copy_(x.mul(w)).relu_().mul(x).sum()],
      [
        "a write to a select and a narrow of a non-leaf",
        (x, w) => {
          const y = x.mul(w);
          tl.select(y, 0, 1).mul_(x.sum());
          y.narrow(0, 0, 2).add_(w.narrow(0, 1, 2).exp());
          return y.mul(y).sum();
        },
      ],
      [
        "a write through a reshape view of a non-leaf, then a stale view read",
        (x, w) => {
          const y = x.add(w).reshape([1, 3]);
          const v = tl.select(y, 1, 2);
          y.view([3]).mul_(w);
          return v.mul(y.sum()).add(y.prod());
        },
      ],
      [
        "a write into a no-grad buffer's slice from a tensor that requires grad",
        (x, w) => {
          const b = tl.ones([2, 3], { dtype: "float64" });
          tl.select(b, 0, 1).copy_(x.mul(w));
          return b.mul(b.sum()).sum();
        },
      ],
    ];
    for (const [name, fn] of chains) tl.gradCheck(fn, [f64([0.3, -0.8, 1.1]), w], { name });
  });
  it("a write from an operand that requires grad makes a no-grad tensor a non-leaf", () => {
    // torch: x rg; buf=zeros(3); z=buf.exp(); buf.add_(x); (buf*buf).sum().backward()
    //   -> x.grad [2, -4, 6], buf.grad_fn AddBackward0, z.requires_grad False
    const x = f64([1, -2, 3]);
    const buf = tl.zeros([3], { dtype: "float64" });
    const z = buf.exp();
    buf.add_(x);
    assert.equal(buf.isLeaf, false);
    assert.equal(buf.gradFn?.name, "AddBackward0");
    buf.mul(buf).sum().backward();
    exact(x.grad, [2, -4, 6]);
    assert.equal(z.requiresGrad, false);
    // torch: buf=zeros(3); buf.copy_(x) -> requires_grad True, CopyBackwards
    const b2 = tl.zeros([3], { dtype: "float64" }).copy_(x);
    assert.equal(b2.gradFn?.name, "CopyBackwards");
  });
  it("fill_, zero_ and copy_ give the overwritten value a zero gradient", () => {
    // torch: y=x*2; y.fill_(3); (y*x).sum().backward() -> x.grad [3,3,3], FillBackward2
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    y.fill_(3);
    assert.equal(y.gradFn?.name, "FillBackward2");
    y.mul(x).sum().backward();
    exact(x.grad, [3, 3, 3]);
    // torch: y=x*2; w=ones(3) rg; y.copy_(w); (y*3).sum().backward() -> x.grad [0,0,0], w.grad [3,3,3]
    const x2 = f64([1, -2, 3]);
    const w = f64([1, 1, 1]);
    const y2 = x2.mul(2);
    y2.copy_(w);
    y2.mul(3).sum().backward();
    exact(x2.grad, [0, 0, 0]);
    exact(w.grad, [3, 3, 3]);
    const y3 = f64([1, 2]).mul(2);
    assert.equal(y3.zero_().gradFn?.name, "ZeroBackward0");
  });
  it("earlier consumers keep the edge they recorded (PyTorch's next_edges)", () => {
    // torch: x=[1.,-2,3] rg; y=x*2; z=y*1; y.mul_(3); (y.sum()*10 + z.sum()).backward() -> x.grad [62, 62, 62]
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    const z = y.mul(1);
    y.mul_(3);
    y.sum().mul(10).add(z.sum()).backward();
    exact(x.grad, [62, 62, 62]);
  });
  it("a write to a view of a non-leaf rebases the base (CopySlices), and the view reads from it", () => {
    // torch: x=[1.,-2,3] rg; w=[5.,7] rg; y=x*2; v=y.narrow(0,1,2); v.mul_(w); (y*y).sum().backward()
    //   -> x.grad [8, -400, 1176], w.grad [160, 504], y.grad_fn CopySlices, v.grad_fn AsStridedBackward0
    const x = f64([1, -2, 3]);
    const w = f64([5, 7]);
    const y = x.mul(2);
    const v = y.narrow(0, 1, 2);
    v.mul_(w);
    assert.equal(y.gradFn?.name, "CopySlices");
    assert.equal(v.gradFn?.name, "AsStridedBackward0");
    exact(y, [2, -20, 42]);
    y.mul(y).sum().backward();
    exact(x.grad, [8, -400, 1176]);
    exact(w.grad, [160, 504]);
  });
  it("a view taken before its base was rebased derives its gradFn again", () => {
    // torch: y=x*2; v=y[1]; y.mul_([1.,5,1]); (v*1).sum().backward() -> x.grad [0, 10, 0], v.grad_fn AsStridedBackward0
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    const v = tl.select(y, 0, 1);
    y.mul_(T([1, 5, 1]));
    assert.equal(v.gradFn?.name, "AsStridedBackward0");
    v.mul(1).sum().backward();
    exact(x.grad, [0, 10, 0]);
    // torch: b=zeros(3); u=b[1:]; b[0:2].copy_(x[0:2]*2) -> u.requires_grad True, b.grad_fn CopySlices
    const b = tl.zeros([3], { dtype: "float64" });
    const u = tl.slice(b, 0, 1);
    tl.slice(b, 0, 0, 2).copy_(tl.slice(x, 0, 0, 2).mul(2));
    assert.equal(b.gradFn?.name, "CopySlices");
    assert.equal(u.requiresGrad, true);
  });
  it("a detached tensor stays outside the graph when its source is rebased", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const d = y.detach();
    y.add_(x);
    assert.equal(d.requiresGrad, false);
    exact(d, [3, 6]);
  });
  it("double backward runs through recorded in-place ops and CopySlices", () => {
    // torch: x=[1.,2] rg; y=x*1; y[0].mul_(x[1]); y.mul_(x); g=autograd.grad(y.sum(), x, create_graph=True)[0]
    //   -> g [4, 5] (y = [x0^2 x1, x1^2]); g.sum().backward() -> x.grad [6, 4]
    const x = f64([1, 2]);
    const y = x.mul(1);
    tl.select(y, 0, 0).mul_(tl.select(x, 0, 1));
    y.mul_(x);
    const [g] = tl.grad(y.sum(), [x], null, { createGraph: true });
    exact(g, [4, 5]);
    g!.sum().backward();
    exact(x.grad, [6, 4]);
  });
});

describe("hooks and retainGrad around an in-place op", () => {
  it("hooks registered before the rebase see the old value's gradient, after it the new value's (PyTorch >= 2.0)", () => {
    // torch 2.x: y=x*2; y.register_hook(pre); z=y*1; y.mul_(3); y.register_hook(post); (y.sum()*10 + z.sum()).backward()
    //   -> post sees [10, 10, 10] first, pre [31, 31, 31]. PyTorch 1.13 fires both on the old node (31).
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    const seen: [string, unknown][] = [];
    const removePre = y.registerHook((g) => {
      seen.push(["pre", g.toArray()]);
    });
    const z = y.mul(1);
    y.mul_(3);
    y.registerHook((g) => {
      seen.push(["post", g.toArray()]);
    });
    y.sum().mul(10).add(z.sum()).backward({ retainGraph: true });
    assert.deepEqual(seen, [
      ["post", [10, 10, 10]],
      ["pre", [31, 31, 31]],
    ]);
    // the remover still finds a hook that moved to the old node
    removePre();
    seen.length = 0;
    y.sum().mul(10).add(z.sum()).backward();
    assert.deepEqual(seen, [["post", [10, 10, 10]]]);
  });
  it("a hook's result replaces the old value's gradient", () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.registerHook((g) => g.mul(0));
    y.add_(1);
    y.sum().backward();
    exact(x.grad, [0, 0]);
  });
  it("retainGrad keeps the gradient of the newest value", () => {
    // torch: y=x*2; y.retain_grad(); z=y+0; y.mul_(3); (y.sum() + z.sum()*5).backward() -> y.grad [1,1,1], x.grad [16,16,16]
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    y.retainGrad();
    const z = y.add(0);
    y.mul_(3);
    y.sum().add(z.sum().mul(5)).backward();
    exact(y.grad, [1, 1, 1]);
    exact(x.grad, [16, 16, 16]);
  });
});

describe("in-place refusals that stay", () => {
  it("a value saved for backward and then modified in place is caught at backward", () => {
    // torch: y=x.exp(); y.add_(1); y.sum().backward() -> "modified by an inplace operation" (ExpBackward0 saved its result)
    const x = f64([1, 2]);
    const y = x.exp();
    y.add_(1);
    throwsWith(() => y.sum().backward(), tl.AutogradError, /^backward: .*needed by ExpBackward0 was modified by an in-place operation/);
    // torch: y=x*2; y.mul_(y) -> MulBackward0 saved y, which the write changed
    const y2 = f64([1, 2]).mul(2);
    y2.mul_(y2);
    throwsWith(() => y2.sum().backward(), tl.AutogradError, /needed by MulBackward0 was modified/);
    // torch: y=x*2; y.relu_(); y.add_(1) -> ReluBackward0 saved the result, y itself
    const y3 = f64([1, 2]).mul(2);
    y3.relu_();
    y3.add_(1);
    throwsWith(() => y3.sum().backward(), tl.AutogradError, /needed by ReluBackward0 was modified/);
  });
  it("a later write to a result that the rule saved is fine where PyTorch saved something else", () => {
    // torch: w=[2.,3,4] rg; y=x*2; y.div_(w); y.sub_(1); y.sum().backward() -> x.grad [1, 2/3, 1/2], w.grad [-1/2, 4/9, -3/8]
    const x = f64([1, -2, 3]);
    const w = f64([2, 3, 4]);
    const y = x.mul(2);
    y.div_(w);
    y.sub_(1);
    y.sum().backward();
    exact(x.grad, [1, 2 / 3, 1 / 2]);
    exact(w.grad, [-1 / 2, 4 / 9, -3 / 8]);
  });
  it("a rule that reads the old value gets a copy of it", () => {
    // torch: y=x*2; y.clamp_(-1, 3); y.mul_(2); y.sum().backward() -> x.grad [4, 0, 0]
    const x = f64([1, -2, 3]);
    const y = x.mul(2);
    y.clamp_(-1, 3);
    y.mul_(2);
    assert.equal(y.gradFn?.name, "MulBackward0");
    y.sum().backward();
    exact(x.grad, [4, 0, 0]);
  });
  it("a view made inside noGrad of a tensor that requires grad is not written with recording on", () => {
    // torch: y=x*1; with no_grad: v=y[0]; v.mul_(2) -> "A view was created in no_grad mode and is being modified inplace with grad mode enabled"
    const x = f64([1, 2]);
    const y = x.mul(1);
    const v = tl.noGrad(() => y.select(0, 0));
    throwsWith(
      () => v.mul_(2),
      tl.AutogradError,
      /^mul_: .*a view made inside noGrad of a tensor that requires grad.*created in no_grad mode/,
    );
    tl.noGrad(() => v.mul_(2));
    exact(y, [2, 2]);
    // torch: b=zeros(3); v=b[1:]; b.requires_grad_(); v.mul_(2) -> "a view of a leaf Variable that requires grad ..."
    const b = tl.zeros([3], { dtype: "float64" });
    const u = b.narrow(0, 1, 2);
    b.requiresGrad_(true);
    throwsWith(() => u.mul_(2), tl.AutogradError, /^mul_: .*a view of a leaf that requires grad/);
  });
  it("one of several views returned by one op is not written while recording", () => {
    // torch: a, b = (x*1).chunk(2); a.mul_(2) -> "Output 0 of SplitBackward0 is a view and is being modified inplace ... returns multiple views"
    const y = f64([1, 2, 3, 4]).mul(1);
    // what split, chunk and unbind are to call (src/ops/join.ts)
    const [a] = markMultiOutputViews([y.narrow(0, 0, 2), y.narrow(0, 2, 2)], "SplitBackward0");
    throwsWith(() => a!.mul_(2), tl.AutogradError, /^mul_: .*one of several views returned by one op \(SplitBackward0.*clone/);
    tl.noGrad(() => a!.mul_(2));
    exact(y, [2, 4, 3, 4]);
  });
  it("an operand that partly overlaps the tensor written is refused; the same or disjoint elements are fine", () => {
    // torch: x.mul_(x[0]) -> "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location"
    const x = T([1, -2, 3]);
    throwsWith(
      () => x.mul_(tl.select(x, 0, 0)),
      tl.ValueError,
      /^mul_: the operand of shape \[\] and the tensor written to, of shape \[3\], share some elements but not all.*clone/,
    );
    throwsWith(() => x.copy_(tl.select(x, 0, 0)), tl.ValueError, /^copy_: .*share some elements/);
    const m = T([0, 1, 2, 3]).reshape([2, 2]);
    throwsWith(() => m.add_(m.t()), tl.ValueError, /^add_: .*share some elements/);
    const a = T([0, 1, 2, 3, 4, 5]);
    throwsWith(() => a.narrow(0, 0, 4).add_(a.narrow(0, 2, 4)), tl.ValueError, /share some elements/);
    exact(x, [1, -2, 3]);
    // torch: x.mul_(x) -> [1, 4, 9]; a[:3].add_(a[3:]) -> [3, 5, 7, 3, 4, 5]; a[::2].add_(a[1::2]) (strided: not checked)
    exact(x.mul_(x), [1, 4, 9]);
    a.narrow(0, 0, 3).add_(a.narrow(0, 3, 3));
    exact(a, [3, 5, 7, 3, 4, 5]);
    const s = T([0, 1, 2, 3, 4, 5]);
    tl.slice(s, 0, 0, 6, 2).add_(tl.slice(s, 0, 1, 6, 2));
    exact(s, [1, 1, 5, 3, 9, 5]);
  });
});
