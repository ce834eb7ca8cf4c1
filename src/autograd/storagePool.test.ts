// Recycled gradient storages (tensor/storagePool.ts, autograd/backward.ts): the pool must only
// ever take storages nothing can still read. Each check trains with recycling and compares with
// the same training where the pool is emptied before every allocation can hit it, and checks that
// gradients that left the pass (hooks, retainGrad, .grad, autograd.grad, the caller's gradient)
// keep their values while later steps reuse storages.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { clearStoragePool, storagePoolStats } from "../tensor/storagePool.js";
import { record } from "./graph.js";
import { lazy } from "../ops/op.js";

/** A few Adam steps of a small CNN + MLP on fixed data; returns the losses and final weights. */
function train(recycle: boolean): { losses: number[]; weights: number[][] } {
  tl.manualSeed(3);
  const model = new tl.nn.Sequential(
    new tl.nn.Conv2d(2, 8, 3, { padding: 1 }),
    new tl.nn.ReLU(),
    new tl.nn.Flatten(),
    new tl.nn.Linear(8 * 16 * 16, 64),
    new tl.nn.Tanh(),
    new tl.nn.Linear(64, 5),
  );
  const opt = new tl.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tl.randn([32, 2, 16, 16]),
    y = tl.randint(0, 5, [32]);
  const losses: number[] = [];
  for (let step = 0; step < 6; step++) {
    if (!recycle) clearStoragePool();
    const loss = tl.F.crossEntropy(model.forward(x), y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, weights: model.parameters().map((p) => Array.from(p.storage)) };
}

describe("recycled gradient storages", () => {
  it("training with recycling gives the same bits as without, and does recycle", () => {
    clearStoragePool();
    const before = storagePoolStats().hits;
    const pooled = train(true);
    assert.ok(storagePoolStats().hits > before, "later steps reuse storages that backward freed");
    const fresh = train(false);
    assert.deepEqual(pooled.losses, fresh.losses);
    assert.deepEqual(pooled.weights, fresh.weights);
  });

  it("gradients that leave the pass keep their values while later passes recycle storages", () => {
    const w = tl.randn([256, 256]).requiresGrad_();
    const x = tl.randn([64, 256]);
    const stashed: tl.Tensor[] = [];
    const step = (keep: boolean) => {
      const h = x.matmul(w);
      if (keep) {
        h.retainGrad();
        h.registerHook((g) => {
          stashed.push(g);
        });
      }
      const y = h.tanh().mul(h);
      const gOut = tl.onesLike(y).mul(0.5); // the caller's gradient: never recycled
      y.backward(gOut);
      return { h, gOut };
    };
    const kept = step(true);
    const copies = {
      hGrad: Array.from(kept.h.grad!.storage),
      hooked: Array.from(stashed[0]!.storage),
      wGrad: Array.from(w.grad!.storage),
      gOut: Array.from(kept.gOut.storage),
    };
    const [viaGrad] = tl.grad(x.matmul(w).tanh().sum(), [w]);
    const gradCopy = Array.from(viaGrad!.storage);
    for (let i = 0; i < 5; i++) {
      w.grad = null;
      step(false);
    }
    assert.deepEqual(Array.from(kept.h.grad!.storage), copies.hGrad);
    assert.deepEqual(Array.from(stashed[0]!.storage), copies.hooked);
    assert.deepEqual(Array.from(kept.gOut.storage), copies.gOut);
    assert.deepEqual(Array.from(viaGrad!.storage), gradCopy);
    assert.ok(copies.wGrad.length > 0);
  });

  it("a gradient handed to two inputs (x + x, shared by add's backward) is recycled only after both used it", () => {
    const a = tl.randn([128, 128], { dtype: "float64" }).requiresGrad_();
    tl.gradCheck((t) => t.mul(2).add(t.mul(2)).tanh().add(t.sin()).matmul(t), [a], { name: "shared gradient" });
    for (let i = 0; i < 3; i++) {
      a.grad = null;
      const b = a.mul(3);
      b.add(b).tanh().sum().backward();
      const want = a.mul(3).mul(2).tanh().pow(2).neg().add(1).mul(6);
      assert.ok(a.grad!.sub(want).abs().max().item() < 1e-12);
    }
  });

  it("a result one node's rules share lazily (the same tensor for two inputs) stays intact until the node's last rule has read it", () => {
    // y = a + b through a custom node whose rules both return one lazily computed tensor; a and b
    // already have pending gradients from other consumers, so each is added to a new tensor of
    // the same size (an allocation that could take a just-recycled storage)
    const x = tl.randn([256, 256]).requiresGrad_();
    const shared = (u: tl.Tensor, v: tl.Tensor): tl.Tensor => {
      const out = tl.add(u, v).detach();
      return record("SharedBackward", out, [u, v], (g) => {
        const t = lazy(() => g.mul(1));
        return [() => t(), () => t()];
      });
    };
    for (let i = 0; i < 4; i++) {
      x.grad = null;
      const a = x.mul(2),
        b = x.mul(3);
      // both orders of the two consumers, so one of them runs after the other's gradients are pending
      const plain = a.add(b).sum(),
        custom = shared(a, b).sum();
      (i % 2 === 0 ? plain.add(custom) : custom.add(plain)).backward();
      // d/dx of sum(2x + 3x) + sum(2x + 3x) = 10 everywhere
      assert.ok(
        x.grad!.storage.every((v) => v === 10),
        "every element of the gradient is 10",
      );
    }
  });
});
