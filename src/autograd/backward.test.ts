// The autograd engine: accumulation into leaves, retainGraph and freed graphs, non-scalar roots,
// noGrad / enableGrad, detach, retainGrad, hooks, tl.grad, higher-order gradients, deep graphs,
// dtype of gradients, and gradCheck itself. Expected values are derived by hand in comments.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { record } from "./graph.js";
import { close, exact, f64, throwsWith } from "../../test/support/check.js";

const T = tl.tensor;

describe("backward: accumulation and retained graphs", () => {
  it("a leaf accumulates over two backward calls", () => {
    // d(sum x^2)/dx = 2x; twice: 4x
    const x = f64([1, -2, 3]);
    x.mul(x).sum().backward();
    exact(x.grad, [2, -4, 6]);
    x.mul(x).sum().backward();
    exact(x.grad, [4, -8, 12]);
  });
  it("a leaf used on two paths gets the sum of both (diamond)", () => {
    // z = y + y^2 with y = 2x: dz/dx = 2 + 2y * 2 = 2 + 8x
    const x = f64([1, 0.5]);
    const y = x.mul(2);
    y.add(y.mul(y)).sum().backward();
    exact(x.grad, [10, 6]);
  });
  it("retainGraph allows a second backward through the same graph", () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    close(x.grad, [2 * Math.E, 2 * Math.exp(2)], { atol: 1e-12 });
  });
  it("options may stand in the gradient's place, as PyTorch's keywords; anything else there is refused", () => {
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward();
    close(x.grad, [2 * Math.E, 2 * Math.exp(2)], { atol: 1e-12 });
    const z = x.exp().sum();
    for (const bad of [[1], 2] as unknown[])
      throwsWith(() => z.backward(bad as tl.Tensor), tl.ValueError, /^backward: the gradient must be a Tensor of the output's shape, got /);
    // null is PyTorch's None: the implicit gradient of a scalar
    const w = f64([1, 2]);
    tl.backward(w.mul(w).sum(), null);
    exact(w.grad, [2, 4]);
    throwsWith(() => z.backward({ retainGraph: true }, {}), tl.ValueError, /options alone/);
  });
  it("a second backward without retainGraph is refused at a node that saved tensors", () => {
    // torch: "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed)."
    const x = f64([1, 2]);
    const y = x.exp().sum();
    y.backward();
    // SumBackward1 saved nothing and runs again; ExpBackward0's saved result was freed
    throwsWith(
      () => y.backward(),
      tl.AutogradError,
      /^backward: trying to backward through the graph a second time \(through ExpBackward0\).*\{ retainGraph: true \}/,
    );
    // torch: x=[1.,2] requires grad; y=(x + 1).sum(); y.backward(); y.backward() -> x.grad [2, 2]
    const x2 = f64([1, 2]);
    const y2 = x2.add(1).sum();
    y2.backward();
    y2.backward();
    exact(x2.grad, [2, 2]);
    // torch 1.13: a number operand of mul and div is saved (a wrapped-number tensor), so x * 2,
    // x / 2 and 2 / x refuse a second backward; x - 1 and -x save nothing and run twice
    for (const [name, f, twice] of [
      ["x * 2", (t: tl.Tensor) => t.mul(2), false],
      ["x / 2", (t: tl.Tensor) => t.div(2), false],
      ["2 / x", (t: tl.Tensor) => tl.div(2, t), false],
      ["x - 1", (t: tl.Tensor) => t.sub(1), true],
      ["-x", (t: tl.Tensor) => t.neg(), true],
    ] as const) {
      const xs = f64([1, 2]);
      const ys = f(xs).sum();
      ys.backward();
      if (twice) {
        ys.backward();
        assert.ok(xs.grad !== null, name);
      } else assert.throws(() => ys.backward(), /second time/, name);
    }
  });
  it("a non-scalar root needs a gradient of its shape", () => {
    // y = x * [1, 2, 3]; vector-Jacobian product with v = [1, 0.5, 2]: x.grad = v * [1, 2, 3]
    const x = f64([1, 1, 1]);
    const y = x.mul(T([1, 2, 3], { dtype: "float64" }));
    // torch: "grad can be implicitly created only for scalar outputs"
    throwsWith(
      () => y.backward(),
      tl.AutogradError,
      /^backward: grad can be implicitly created only for scalar outputs, but the output has shape \[3\]/,
    );
    throwsWith(
      () => y.backward(T([1, 2], { dtype: "float64" })),
      tl.ShapeError,
      /^backward: gradient has shape \[2\] but the output has shape \[3\]/,
    );
    y.backward(T([1, 0.5, 2], { dtype: "float64" }));
    exact(x.grad, [1, 1, 6]);
    // a one-element non-0-d root is fine without a gradient
    const z = f64([2]);
    z.mul(3).backward();
    exact(z.grad, [3]);
  });
  it("backward on a tensor outside the graph is refused; a leaf root gets grad 1", () => {
    throwsWith(() => T([1.5]).sum().backward(), tl.AutogradError, /^backward: the tensor does not require grad and has no grad_fn/);
    const x = T(2.5, { dtype: "float64", requiresGrad: true });
    x.backward();
    exact(x.grad, 1);
  });
  it("the gradient of a float32 leaf used with a float64 tensor comes back float32", () => {
    const x = T([1, 2], { dtype: "float32", requiresGrad: true });
    const y = x.mul(T([0.5, 4], { dtype: "float64" }));
    assert.equal(y.dtype, "float64");
    y.sum().backward();
    exact(x.grad, [0.5, 4], "float32");
  });
});

describe("requiresGrad flags", () => {
  it("int and bool tensors cannot require grad", () => {
    // torch: "only Tensors of floating point and complex dtype can require gradients"
    throwsWith(
      () => T([1, 2]).requiresGrad_(),
      tl.AutogradError,
      /^requiresGrad: only float tensors can require gradients, but this tensor is int32/,
    );
    throwsWith(() => T([1, 2], { requiresGrad: true }), tl.AutogradError, /this tensor is int32/);
    throwsWith(
      () => {
        T([true]).requiresGrad = true;
      },
      tl.AutogradError,
      /this tensor is bool/,
    );
  });
  it("a non-leaf cannot turn gradients off", () => {
    const y = f64([1]).mul(2);
    assert.equal(y.isLeaf, false);
    throwsWith(
      () => {
        y.requiresGrad = false;
      },
      tl.AutogradError,
      /^requiresGrad: cannot turn gradients off on a tensor made by MulBackward0 \(a non-leaf\)/,
    );
  });
  it("results of ops on tensors that do not require grad are leaves without a graph", () => {
    const y = T([1.5]).exp();
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(y.isLeaf, true);
  });
});

describe("noGrad / enableGrad / detach", () => {
  it("noGrad records nothing and returns the function's value", () => {
    const x = f64([1, 2]);
    const y = tl.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(tl.isGradEnabled(), true);
  });
  it("noGrad restores the mode after a throw, and nests with enableGrad", () => {
    assert.throws(
      () =>
        tl.noGrad(() => {
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(tl.isGradEnabled(), true);
    const x = f64([1]);
    tl.noGrad(() => {
      assert.equal(tl.isGradEnabled(), false);
      const y = tl.enableGrad(() => x.mul(3));
      assert.equal(y.requiresGrad, true);
      assert.throws(() =>
        tl.enableGrad(() => {
          throw new Error("inner");
        }),
      );
      assert.equal(tl.isGradEnabled(), false);
    });
    assert.equal(tl.isGradEnabled(), true);
  });
  it("noGrad refuses an async function, and restores the mode", () => {
    throwsWith(() => tl.noGrad(async () => 1), tl.AutogradError, /^noGrad: the function returned a Promise/);
    throwsWith(() => tl.enableGrad(async () => 1), tl.AutogradError, /^enableGrad: the function returned a Promise/);
    throwsWith(() => tl.enableGrad(undefined as never), tl.AutogradError, /^enableGrad: expected a function to run, got undefined/);
    assert.equal(tl.isGradEnabled(), true);
    assert.equal(tl.isGradEnabled(), true);
  });
  it("detach cuts the graph: gradients stop there", () => {
    // y = x * detach(x): dy/dx = detach(x) only
    const x = f64([2, 3]);
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.storage, x.storage);
    x.mul(d).sum().backward();
    exact(x.grad, [2, 3]);
  });
});

describe("retainGrad and hooks", () => {
  it("retainGrad keeps .grad on a non-leaf; non-leaves have none otherwise", () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    const z = x.mul(4);
    y.retainGrad();
    y.add(z).mul(y).sum().backward();
    // f = (y + z) y: df/dy = 2y + z = 6x + 4x = 10x
    exact(y.grad, [10, 20]);
    assert.equal(z.grad, null);
    // leaf: retainGrad is a no-op (a leaf keeps its grad anyway)
    assert.equal(x.retainGrad(), x);
  });
  it("a hook observes the gradient and can replace it", () => {
    const x = f64([1, 2]);
    const seen: number[][] = [];
    x.registerHook((g) => void seen.push(Array.from(g.storage)));
    x.mul(5).sum().backward();
    assert.deepEqual(seen, [[5, 5]]);
    exact(x.grad, [5, 5]);
    // replacing: double the gradient flowing into a non-leaf, which changes what reaches x
    const w = f64([1, 2]);
    const h = w.mul(3);
    const remove = h.registerHook((g) => g.mul(2));
    h.sum().backward(undefined, { retainGraph: true });
    exact(w.grad, [6, 6]);
    // after removal the same graph passes the gradient unchanged: 6 + 3
    remove();
    h.sum().backward();
    exact(w.grad, [9, 9]);
  });
  it("a hook on a leaf replaces what is accumulated", () => {
    const x = f64([1, 2]);
    x.registerHook((g) => g.neg());
    x.mul(2).sum().backward();
    exact(x.grad, [-2, -2]);
  });
  it("a remover takes out its own registration only, when one function is registered twice", () => {
    const x = f64([1, 2]);
    const double = (g: tl.Tensor) => g.mul(2);
    const first = x.registerHook(double);
    x.registerHook(double);
    first();
    x.mul(1).sum().backward();
    exact(x.grad, [2, 2]);
  });
  it("retainGrad on a tensor that does not require grad is refused, as PyTorch", () => {
    throwsWith(() => T([1.5]).retainGrad(), tl.AutogradError, /^retainGrad: the tensor \(shape \[1\], float32\) does not require gradient/);
  });
  it("registerHook on a tensor that does not require grad is refused", () => {
    throwsWith(
      () => T([1.5]).registerHook(() => undefined),
      tl.AutogradError,
      /^registerHook: cannot register a hook on a tensor that doesn't require gradient \(shape \[1\], float32\)/,
    );
  });
});

describe("tl.grad", () => {
  it("returns gradients without touching .grad", () => {
    const x = f64([1, 2]),
      y = f64([3]);
    const [gx, gy] = tl.grad(x.mul(y).sum(), [x, y]);
    exact(gx, [3, 3]);
    exact(gy, [3]);
    assert.equal(x.grad, null);
    assert.equal(y.grad, null);
  });
  it("an unused input is an error unless allowUnused, which gives null", () => {
    // torch: "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."
    const x = f64([1]),
      u = f64([2]);
    throwsWith(
      () => tl.grad(x.mul(2).sum(), [x, u]),
      tl.AutogradError,
      /^grad: input 1 \(shape \[1\]\) was not used to compute the output.*allowUnused: true/,
    );
    const [gx, gu] = tl.grad(x.mul(2).sum(), [x, u], undefined, { allowUnused: true });
    exact(gx, [2]);
    assert.equal(gu, null);
  });
  it("can differentiate with respect to a non-leaf", () => {
    const x = f64([1, 2]);
    const h = x.mul(3);
    const [gh] = tl.grad(h.mul(h).sum(), [h]);
    exact(gh, [6, 12]); // d(h^2)/dh = 2h
  });
  it("createGraph gives second derivatives: d2/dx2 x^3 = 6x", () => {
    const x = f64([1, -2, 0.5]);
    const [g] = tl.grad(x.pow(3).sum(), [x], undefined, { createGraph: true });
    close(g, [3, 12, 0.75], { atol: 1e-12 }); // 3x^2
    assert.equal(g!.requiresGrad, true);
    g!.sum().backward();
    close(x.grad, [6, -12, 3], { atol: 1e-12 });
  });
  it("second derivatives of sigmoid and tanh (their backward uses 1 - out)", () => {
    // s = sigmoid(x): s'' = s (1 - s) (1 - 2s); t = tanh(x): t'' = -2 t (1 - t^2)
    const v = [0.3, -1.2, 2];
    const sig = v.map((a) => 1 / (1 + Math.exp(-a)));
    const x = f64(v);
    const [gs] = tl.grad(x.sigmoid().sum(), [x], undefined, { createGraph: true });
    const [gss] = tl.grad(gs!.sum(), [x]);
    close(
      gss,
      sig.map((s) => s * (1 - s) * (1 - 2 * s)),
      { atol: 1e-12 },
    );
    const [gt] = tl.grad(x.tanh().sum(), [x], undefined, { createGraph: true });
    const [gtt] = tl.grad(gt!.sum(), [x]);
    close(
      gtt,
      v.map((a) => -2 * Math.tanh(a) * (1 - Math.tanh(a) ** 2)),
      { atol: 1e-12 },
    );
  });
  it("backward with createGraph accumulates a .grad that is itself differentiable", () => {
    const x = f64([2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    const g = x.grad!;
    exact(g, [12]); // 3x^2
    const [h] = tl.grad(g.sum(), [x]);
    exact(h, [12]); // 6x
  });
});

describe("hooks and entry points, as PyTorch", () => {
  it("a leaf's hook runs once, on the gradient summed over every path", () => {
    // x*x + 3x: d/dx = 2x + 3; the hook saw three parts (2x as x and x, then 3) before
    const x = f64([1, -2]);
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(Array.from(g.storage));
      return g.clamp(null, 1);
    });
    x.mul(x).add(x.mul(3)).sum().backward();
    assert.deepEqual(seen, [[5, -1]]);
    exact(x.grad, [1, -1]);
  });
  it("hooks run inside tl.grad: a non-leaf's hook changes what reaches the inputs", () => {
    // y = sum(h^2), h = 2x: dy/dh = 2h = 4x, times 10 by the hook, times 2 through h = 2x
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.registerHook((g) => g.mul(10));
    h.retainGrad();
    const [g] = tl.grad(h.mul(h).sum(), [x]);
    exact(g, [80, 160]);
    exact(h.grad, [40, 80]);
    assert.equal(x.grad, null);
  });
  it("a hook that changes the gradient's shape or dtype, or returns a non-tensor, is refused", () => {
    for (const [hook, re] of [
      [(g: tl.Tensor) => g.sum(), /changed the gradient's shape from \[2\] to \[\]/],
      [(g: tl.Tensor) => g.float(), /changed the gradient's dtype from float64 to float32/],
      [() => 3, /returned number/],
    ] as const) {
      const x = f64([1, 2]);
      const h = x.mul(2);
      h.registerHook(hook as (g: tl.Tensor) => tl.Tensor);
      throwsWith(() => h.sum().backward(), tl.AutogradError, re);
    }
  });
  it("a .grad of another shape or dtype is refused at backward, not broadcast into", () => {
    const x = f64([1, 2, 3]);
    x.grad = tl.zeros([3, 3], { dtype: "float64" });
    throwsWith(
      () => x.mul(x).sum().backward(),
      tl.AutogradError,
      /has a \.grad of shape \[3, 3\], float64; a tensor's \.grad must have the tensor's shape and dtype/,
    );
  });
  it("a root gradient of another dtype is cast to the output's", () => {
    const x = tl.tensor([1, 2], { dtype: "float32", requiresGrad: true });
    x.backward(tl.tensor([1, 2], { dtype: "float64" }));
    assert.equal(x.grad!.dtype, "float32");
  });
  it("tl.grad takes one tensor for inputs and refuses empty inputs or ones that need no grad", () => {
    const x = f64([1, 2]);
    exact(tl.grad(x.mul(x).sum(), x)[0]!, [2, 4]);
    throwsWith(() => tl.grad(x.mul(x).sum(), []), tl.ValueError, /^grad: inputs must be a non-empty array/);
    throwsWith(
      () => tl.grad(x.mul(x).sum(), [x, T([1, 2])], undefined, { allowUnused: true }),
      tl.AutogradError,
      /^grad: input 1 .* does not require grad/,
    );
  });
});

describe("deep graphs", () => {
  it("20,000 chained adds do not overflow the stack", () => {
    const x = f64([1]);
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    exact(x.grad, [1]);
    exact(y.detach(), [20001]);
  });
  it("a 5,000-step chain of multiplies gives the product rule", () => {
    // y = x * 1.0001^n: dy/dx = 1.0001^n
    const x = f64([1]);
    let y = x;
    for (let i = 0; i < 5000; i++) y = y.mul(1.0001);
    y.sum().backward();
    close(x.grad, [1.0001 ** 5000], { rtol: 1e-12 });
  });
});

describe("gradCheck", () => {
  it("passes a correct gradient and reports the worst difference", () => {
    const worst = tl.gradCheck((x) => x.exp().sum(), [f64([0.1, 0.2])]);
    assert.ok(worst < 1e-6);
  });
  it("catches a wrong backward rule, naming the input and element", () => {
    // an op computing 2x whose rule claims 3
    const wrong = (x: tl.Tensor): tl.Tensor => {
      const out = tl.noGrad(() => x.mul(2));
      return record("WrongBackward", out, [x], (g) => [() => g.mul(3)]);
    };
    throwsWith(
      () => tl.gradCheck(wrong, [f64([1, 2])], { name: "wrong" }),
      tl.AutogradError,
      /^gradCheck: wrong: input 0 element 0: analytic -?\d/,
    );
  });
  it("uses random directions for large inputs and still catches errors", () => {
    const wrong = (x: tl.Tensor): tl.Tensor => {
      const out = tl.noGrad(() => x.mul(2));
      return record("WrongBackward", out, [x], (g) => [() => g.mul(2.5)]);
    };
    tl.manualSeed(1);
    const big = tl.randn([100], { dtype: "float64", requiresGrad: true });
    tl.gradCheck((x) => x.sin().sum(), [big]);
    throwsWith(() => tl.gradCheck(wrong, [big]), tl.AutogradError, /input 0 direction 0/);
  });
  it("refuses float32 inputs", () => {
    throwsWith(
      () => tl.gradCheck((x) => x.sum(), [T([1.5], { requiresGrad: true })]),
      tl.DTypeError,
      /^gradCheck: inputs that require grad must be float64.*got float32/,
    );
  });
});
