// The gradient-through-time diagnostic: the recorded ||dL/dH_t|| equal the gradients autograd
// gives for the per-step states (checked against retainGrad), parameter norms, and the report.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { throwsWith } from "../../test/support/check.js";

const nn = tl.nn;

describe("GradientTrace", () => {
  it("records ||dL/dH_t|| for every step and direction, equal to retainGrad's gradients", () => {
    tl.manualSeed(1);
    const m = new nn.GRU(2, 3, { bidirectional: true, numLayers: 2, dtype: "float64" });
    const x = tl.randn([6, 2, 2], { dtype: "float64" });
    const trace = new nn.GradientTrace();
    const states = new Map<string, tl.Tensor>();
    const [out] = m.forward(x, null, {
      onStep: (s) => {
        trace.onStep(s);
        states.set(`${nn.traceKey(s.layer, s.direction)}@${s.t}`, s.h.retainGrad());
      },
    });
    out.narrow(0, 5, 1).sum().backward(); // the loss reads the last output only
    assert.deepEqual(trace.keys().sort(), ["l0", "l0_reverse", "l1", "l1_reverse"]);
    for (const key of trace.keys()) {
      const [layer, dir] = [Number(key[1]), key.endsWith("_reverse") ? 1 : 0] as const;
      const norms = trace.hiddenGradNorms(layer, dir);
      assert.equal(norms.length, 6);
      norms.forEach((n, t) => {
        const g = states.get(`${key}@${t}`)!.grad;
        const want = g ? g.norm().item() : NaN;
        assert.ok(Number.isNaN(want) ? Number.isNaN(n) : Math.abs(n - want) < 1e-12, `${key} t=${t}: ${n} vs ${want}`);
      });
    }
    // the top layer's forward direction: the loss depends on H_5 directly and on earlier states through it
    assert.ok(trace.hiddenGradNorms(1).every((n) => n > 0));
    // the top layer's reverse direction visits t = 5 first: its later states 0..4 do not feed the loss
    assert.deepEqual(trace.hiddenGradNorms(1, 1).slice(0, 5), [0, 0, 0, 0, 0]);
    throwsWith(
      () => trace.hiddenGradNorms(2),
      tl.ValueError,
      /GradientTrace: nothing was traced for layer 2; traced: \[l0, l0_reverse, l1, l1_reverse\]/,
    );
  });

  it("traceGradients reports the loss, per-step norms and per-parameter norms", () => {
    tl.manualSeed(2);
    const m = new nn.RNN(1, 4);
    const r = nn.traceGradients(m, (onStep) => m.forward(tl.randn([20, 3, 1]), null, { onStep })[1].sum());
    assert.equal(r.hidden.l0!.length, 20);
    assert.deepEqual(Object.keys(r.params), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
    assert.ok(Math.abs(r.params.weight_hh_l0! - m.parameters()[1]!.grad!.norm().item()) < 1e-6);
    // the loss reads H_T only: gradients shrink going back in time through a small tanh RNN
    assert.ok(r.hidden.l0![0]! < r.hidden.l0![19]!);
    assert.equal(typeof r.loss, "number");
  });
});
