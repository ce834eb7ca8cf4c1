// The end-to-end fixture e2e_cnn: a small CNN built from nn modules loads PyTorch's state dict
// and reproduces its logits, loss, every gradient and the parameters after one SGD step.

import { describe, it } from "node:test";
import * as tl from "../index.js";
import { BACKENDS, type FloatType, TOL, assertClose, fromFixture, loadFixture } from "../../test/support/fixtures.js";

const { nn, F } = tl;

class TinyCnn extends nn.Module {
  readonly conv1: tl.nn.Conv2d;
  readonly fc: tl.nn.Linear;
  constructor(a: {
    conv1: { in_channels: number; out_channels: number; kernel_size: number };
    fc: { in_features: number; out_features: number };
  }) {
    super();
    this.conv1 = this.registerModule("conv1", new nn.Conv2d(a.conv1.in_channels, a.conv1.out_channels, a.conv1.kernel_size));
    this.fc = this.registerModule("fc", new nn.Linear(a.fc.in_features, a.fc.out_features));
  }
  forward(x: tl.Tensor, poolKernel: number): tl.Tensor {
    return this.fc.forward(F.maxPool2d(this.conv1.forward(x).relu(), { kernelSize: poolKernel }).flatten(1));
  }
}

describe("e2e_cnn fixture", () => {
  const c = loadFixture("e2e_cnn").cases[0]!;
  const args = c.args as ConstructorParameters<typeof TinyCnn>[0] & { max_pool2d: { kernel_size: number }; sgd: { lr: number } };
  for (const backend of BACKENDS) {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      it(`${c.name} ${dtype} on ${backend}`, () => {
        tl.setBackend(backend);
        const model = new TinyCnn(args).to(dtype);
        const sd = Object.fromEntries(Object.keys(model.stateDict()).map((k) => [k, fromFixture(c.inputs[k]!, dtype)]));
        model.loadStateDict(sd);
        const x = fromFixture(c.inputs.input!, dtype, true);
        const logits = model.forward(x, args.max_pool2d.kernel_size);
        const loss = F.crossEntropy(logits, fromFixture(c.inputs.target!, dtype));
        assertClose(logits, c.outputs.logits!, TOL[dtype], "logits");
        assertClose(loss, c.outputs.loss!, TOL[dtype], "loss");
        loss.backward();
        assertClose(x.grad, c.grads!.input!, TOL[dtype], "grad input");
        const params = Object.fromEntries(model.namedParameters());
        for (const [k, p] of Object.entries(params)) assertClose(p.grad, c.grads![k]!, TOL[dtype], `grad ${k}`);
        tl.noGrad(() => Object.values(params).forEach((p) => p.sub_(p.grad!, args.sgd.lr)));
        for (const [k, p] of Object.entries(params)) assertClose(p, c.outputs[`after_sgd_step.${k}`]!, TOL[dtype], `after SGD ${k}`);
      });
    }
  }
});
