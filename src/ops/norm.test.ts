// batchNorm and layerNorm against PyTorch's fixtures (including the running statistics after
// the call), float64 gradchecks, and the BatchNorm/LayerNorm modules' state and modes.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { BACKENDS, type FloatType, TOL, assertClose, checkCase, loadFixture } from "../../test/support/fixtures.js";

const F = tl.F;

describe("batch_norm and layer_norm fixtures", () => {
  const bn = loadFixture("batch_norm"),
    ln = loadFixture("layer_norm");
  for (const backend of BACKENDS) {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of bn.cases) {
        it(`batch_norm ${c.name} ${dtype} on ${backend}`, () => {
          tl.setBackend(backend);
          const a = c.args as { training: boolean; momentum: number; eps: number };
          let rm: tl.Tensor | undefined, rv: tl.Tensor | undefined;
          checkCase(c, dtype, (ins) => {
            rm = ins.running_mean;
            rv = ins.running_var;
            return F.batchNorm(ins.input!, rm ?? null, rv ?? null, {
              weight: ins.weight ?? null,
              bias: ins.bias ?? null,
              training: a.training,
              momentum: a.momentum,
              eps: a.eps,
            });
          });
          if (c.outputs.running_mean) assertClose(rm, c.outputs.running_mean, TOL[dtype], `${c.name} running_mean`);
          if (c.outputs.running_var) assertClose(rv, c.outputs.running_var, TOL[dtype], `${c.name} running_var`);
        });
      }
      for (const c of ln.cases) {
        it(`layer_norm ${c.name} ${dtype} on ${backend}`, () => {
          tl.setBackend(backend);
          const a = c.args as { normalized_shape: number[]; eps: number };
          checkCase(c, dtype, (ins) => F.layerNorm(ins.input!, a.normalized_shape, ins.weight, ins.bias, a.eps));
        });
      }
    }
  }
});

describe("norm gradcheck (float64)", () => {
  const r = (shape: number[]) => tl.randn(shape, { dtype: "float64", requiresGrad: true });
  it("batchNorm training, 4-D, affine", () => {
    tl.manualSeed(3);
    tl.gradCheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r([3, 2, 3, 2]), r([2]), r([2])]);
  });
  it("batchNorm eval", () => {
    tl.manualSeed(3);
    const rm = tl.randn([2], { dtype: "float64" }),
      rv = tl.rand([2], { dtype: "float64" }).add(0.5);
    tl.gradCheck((x, w) => F.batchNorm(x, rm, rv, { weight: w, training: false }), [r([4, 2]), r([2])]);
  });
  it("layerNorm over two dims", () => {
    tl.manualSeed(3);
    tl.gradCheck((x, w, b) => F.layerNorm(x, [3, 4], w, b), [r([2, 3, 4]), r([3, 4]), r([3, 4])]);
  });
});

describe("norm modules", () => {
  it("BatchNorm2d: state dict keys, running stats in training, eval uses them", () => {
    tl.manualSeed(4);
    const m = new tl.nn.BatchNorm2d(3);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    const x = tl.randn([4, 3, 5, 5]).mul(2).add(1);
    const y = m.forward(x);
    assert.ok(Math.abs(y.mean().item()) < 1e-5);
    assert.equal(m.numBatchesTracked!.item(), 1);
    // running_mean = 0.9 * 0 + 0.1 * batch mean
    const batchMean = x.mean([0, 2, 3]);
    assertClose(m.runningMean, { shape: [3], dtype: "float32", data: Array.from(batchMean.mul(0.1).storage) }, TOL.float32, "running_mean");
    m.eval();
    const ye = m.forward(x);
    assert.notDeepEqual(ye.storage, y.storage);
  });
  it("BatchNorm1d rejects a 4-D input and a wrong channel count", () => {
    assert.throws(() => new tl.nn.BatchNorm1d(3).forward(tl.ones([2, 3, 4, 4])), /BatchNorm1d: expected a 2-D or 3-D input/);
    assert.throws(() => new tl.nn.BatchNorm1d(3).forward(tl.ones([2, 4])), /has 4 channels \(dim 1\) but the layer was built for 3/);
    assert.throws(() => new tl.nn.BatchNorm1d(3).forward(tl.ones([1, 3])), /expected more than 1 value per channel when training/);
  });
  it("LayerNorm module and shape errors", () => {
    const m = new tl.nn.LayerNorm([4]);
    assert.deepEqual(m.forward(tl.randn([2, 4])).shape, [2, 4]);
    assert.throws(() => m.forward(tl.ones([2, 5])), /layerNorm: normalizedShape \[4\] must match the last 1 dims of the input \[2, 5\]/);
  });
});
