// The end-to-end fixture e2e_lstm: an LSTM classifier (nn.LSTM, batchFirst, read-out of h_n[-1]
// by nn.Linear) loads PyTorch's state dict and reproduces its logits, loss, every gradient and
// the parameters after one SGD step, on every backend, in float64 and float32.

import { describe, it } from "node:test";
import * as tl from "../index.js";
import { BACKENDS, type FloatType, TOL, assertClose, fromFixture, loadFixture } from "../../test/support/fixtures.js";

const { nn, F } = tl;

interface Args {
  lstm: { input_size: number; hidden_size: number; batch_first: boolean };
  fc: { in_features: number; out_features: number };
  sgd: { lr: number };
}

class TinyLstmClassifier extends nn.Module {
  readonly lstm: tl.nn.LSTM;
  readonly fc: tl.nn.Linear;
  constructor(a: Args) {
    super();
    this.lstm = this.registerModule("lstm", new nn.LSTM(a.lstm.input_size, a.lstm.hidden_size, { batchFirst: a.lstm.batch_first }));
    this.fc = this.registerModule("fc", new nn.Linear(a.fc.in_features, a.fc.out_features));
  }
  forward(x: tl.Tensor): tl.Tensor {
    const [, [hN]] = this.lstm.forward(x);
    return this.fc.forward(hN.select(0, -1));
  }
}

describe("e2e_lstm fixture", () => {
  const c = loadFixture("e2e_lstm").cases[0]!;
  const args = c.args as unknown as Args;
  for (const backend of BACKENDS) {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      it(`${c.name} ${dtype} on ${backend}`, () => {
        tl.setBackend(backend);
        const model = new TinyLstmClassifier(args).to(dtype);
        model.loadStateDict(Object.fromEntries(Object.keys(model.stateDict()).map((k) => [k, fromFixture(c.inputs[k]!, dtype)])));
        const x = fromFixture(c.inputs.input!, dtype, true);
        const logits = model.forward(x);
        const loss = F.crossEntropy(logits, fromFixture(c.inputs.target!, dtype));
        assertClose(logits, c.outputs.logits!, TOL[dtype], "logits");
        assertClose(loss, c.outputs.loss!, TOL[dtype], "loss");
        loss.backward();
        assertClose(x.grad, c.grads!.input!, TOL[dtype], "grad input");
        const params = model.namedParameters();
        for (const [k, p] of params) assertClose(p.grad, c.grads![k]!, TOL[dtype], `grad ${k}`);
        const sgd = new tl.optim.SGD(
          params.map(([, p]) => p),
          { lr: args.sgd.lr },
        );
        sgd.step();
        for (const [k, p] of params) assertClose(p, c.outputs[`after_sgd_step.${k}`]!, TOL[dtype], `after SGD ${k}`);
      });
    }
  }
});
