// Module mechanics: registration, state dicts under PyTorch's keys, strict loading and its
// errors, train/eval, zeroGrad, to(dtype) keeping parameter identity; and the basic layers.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const { nn } = tl;

class Net extends nn.Module {
  readonly body = this.registerModule("body", new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Dropout(0.5)));
  readonly bn = this.registerModule("bn", new nn.BatchNorm1d(3));
  readonly heads = this.registerModule("heads", new nn.ModuleList([new nn.Linear(3, 2), new nn.Linear(3, 1, { bias: false })]));
  forward(x: tl.Tensor): tl.Tensor {
    const h = this.bn.forward(this.body.forward(x));
    return tl.cat(
      [...this.heads].map((m) => (m as tl.nn.Linear).forward(h)),
      1,
    );
  }
}

describe("Module", () => {
  it("names parameters and buffers with PyTorch's dotted keys", () => {
    const m = new Net();
    assert.deepEqual(Object.keys(m.stateDict()), [
      "body.0.weight",
      "body.0.bias",
      "bn.weight",
      "bn.bias",
      "bn.running_mean",
      "bn.running_var",
      "bn.num_batches_tracked",
      "heads.0.weight",
      "heads.0.bias",
      "heads.1.weight",
    ]);
    assert.equal(m.parameters().length, 7);
    assert.equal(m.numParameters(), 4 * 3 + 3 + 3 + 3 + 3 * 2 + 2 + 3);
  });
  it("loadStateDict copies values, and in strict mode reports missing and unexpected keys", () => {
    tl.manualSeed(1);
    const a = new Net(),
      b = new Net();
    b.loadStateDict(a.stateDict());
    assert.deepEqual(b.body.at(0).forward(tl.ones([1, 4])).storage, a.body.at(0).forward(tl.ones([1, 4])).storage);
    const sd = a.stateDict();
    delete sd["bn.bias"];
    sd["extra.weight"] = tl.ones([1]);
    assert.throws(() => b.loadStateDict(sd), /loadStateDict: keys do not match Net: missing \[bn.bias\], unexpected \[extra.weight\]/);
    assert.deepEqual(b.loadStateDict(sd, { strict: false }), { missingKeys: ["bn.bias"], unexpectedKeys: ["extra.weight"] });
  });
  it("loadStateDict reads only the dict's own keys: parameters named like Object.prototype members", () => {
    // Every name an object literal inherits: a plain {} "has" them all, so each must be missing here.
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      class Odd extends nn.Module {
        constructor() {
          super();
          this.registerParameter(name, new nn.Parameter(tl.ones([2])));
        }
        forward(x: tl.Tensor): tl.Tensor {
          return x;
        }
      }
      const m = new Odd();
      assert.deepEqual(m.loadStateDict({}, { strict: false }), { missingKeys: [name], unexpectedKeys: [] }, name);
      assert.throws(() => m.loadStateDict({}), new RegExp(`missing \\[${name.replace(/[$_]/g, "\\$&")}\\]`), name);
      const sd = Object.create(null) as Record<string, tl.Tensor>;
      sd[name] = tl.full([2], 3);
      m.loadStateDict(sd);
      assert.deepEqual([...m.parameters()[0]!.storage], [3, 3], name);
    }
  });
  it("refuses a state dict with a wrong shape, naming the key", () => {
    const m = new nn.Linear(3, 2);
    assert.throws(
      () => m.loadStateDict({ weight: tl.ones([2, 4]), bias: tl.ones([2]) }),
      /"weight" has shape \[2, 4\] in the state dict but \[2, 3\] in the model/,
    );
  });
  it("train/eval reach every submodule; dropout is the identity in eval", () => {
    const m = new Net().eval();
    assert.ok(m.modules().every((x) => !x.training));
    const x = tl.ones([2, 3]);
    assert.deepEqual((m.body.at(2) as tl.nn.Dropout).forward(x).storage, x.storage);
    m.train();
    assert.ok(m.modules().every((x) => x.training));
  });
  it("zeroGrad clears gradients; to(float64) converts in place, keeping the Parameter objects", () => {
    const m = new Net();
    const before = m.parameters();
    m.forward(tl.randn([4, 4]))
      .sum()
      .backward();
    assert.ok(before.every((p) => p.grad !== null));
    m.zeroGrad();
    assert.ok(before.every((p) => p.grad === null));
    m.to("float64");
    assert.ok(m.parameters().every((p, i) => p === before[i] && p.dtype === "float64"));
    assert.equal(m.bn.runningMean!.dtype, "float64");
    assert.equal(m.bn.numBatchesTracked!.dtype, "int32");
    assert.equal(m.forward(tl.randn([4, 4], { dtype: "float64" })).dtype, "float64");
  });
  it("zeroGrad(false) zeroes gradients in place; to(dtype) converts gradients with their parameters, as PyTorch's _apply", () => {
    const m = new Net();
    m.forward(tl.randn([4, 4]))
      .sum()
      .backward();
    const grads = m.parameters().map((p) => p.grad!);
    m.zeroGrad(false);
    assert.ok(m.parameters().every((p, i) => p.grad === grads[i] && p.grad.abs().sum().item() === 0));
    m.forward(tl.randn([4, 4]))
      .sum()
      .backward();
    m.to("float64");
    assert.ok(m.parameters().every((p) => p.dtype === "float64" && p.grad!.dtype === "float64"));
    // the next backward accumulates into the converted gradients instead of refusing their dtype
    m.forward(tl.randn([4, 4], { dtype: "float64" }))
      .sum()
      .backward();
    assert.ok(m.parameters().every((p) => p.grad!.dtype === "float64"));
  });
  it("prints like PyTorch's repr", () => {
    assert.equal(
      String(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU())),
      "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)",
    );
  });
  it("rejects duplicate names", () => {
    class Bad extends nn.Module {
      constructor() {
        super();
        this.registerModule("a", new nn.ReLU());
        this.registerModule("a", new nn.ReLU());
      }
      forward(): void {}
    }
    assert.throws(() => new Bad(), /"a" is already registered/);
  });
});

describe("layers", () => {
  it("Linear's default init is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias", () => {
    tl.manualSeed(2);
    const m = new nn.Linear(16, 8);
    const bound = 1 / 4;
    assert.ok([...m.weight.storage, ...m.bias!.storage].every((v) => Math.abs(v) <= bound));
  });
  it("Dropout2d zeroes whole channels", () => {
    tl.manualSeed(3);
    const y = new nn.Dropout2d(0.5).forward(tl.ones([4, 8, 3, 3]));
    for (let p = 0; p < 32; p++) {
      const plane = y.storage.slice(p * 9, p * 9 + 9);
      assert.ok(plane.every((v) => v === 0) || plane.every((v) => v === 2));
    }
  });
  it("Flatten keeps the batch dim; activation modules apply their function", () => {
    assert.deepEqual(new nn.Flatten().forward(tl.ones([2, 3, 4])).shape, [2, 12]);
    const x = tl.tensor([-1, 0, 2], { dtype: "float32" });
    assert.deepEqual(Array.from(new nn.LeakyReLU(0.1).forward(x).storage), [-0.10000000149011612, 0, 2]);
    assert.deepEqual(Array.from(new nn.Softmax(0).forward(tl.zeros([2])).storage), [0.5, 0.5]);
  });
});
