// The BPTT page's heatmap rows are GradientTrace's ||dL/dH_t||, and clipping does what it says.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../../../src/index.js";
import { GradientFlow, type FlowOptions } from "./gradientFlow.js";

// a short seasonal series, standardized enough for tanh units
const series = Array.from({ length: 40 }, (_, t) => Math.sin((2 * Math.PI * t) / 12) + 0.05 * t - 1);
const base: FlowOptions = { kind: "RNN", T: 10, hidden: 6, lr: 0.5, clip: null, seed: 1 };

describe("lab 10 BPTT gradient flow", () => {
  for (const kind of ["RNN", "LSTM", "GRU"] as const) {
    it(`${kind}: each row equals tl.nn.traceGradients on the model before that step's update`, () => {
      const flow = new GradientFlow(series, { ...base, kind });
      for (let step = 0; step < 3; step++) {
        const want = tl.nn.traceGradients(flow.model, (onStep) => flow.lossOf(onStep));
        const row = flow.next();
        assert.equal(row.step, step);
        assert.equal(row.norms.length, base.T);
        assert.ok(Math.abs(row.loss - want.loss) < 1e-6 * (1 + want.loss), `loss ${row.loss} vs ${want.loss}`);
        row.norms.forEach((v, t) =>
          assert.ok(
            Math.abs(v - want.hidden.l0![t]!) <= 1e-6 * want.hidden.l0![t]!,
            `step ${step}, t=${t + 1}: ${v} vs ${want.hidden.l0![t]}`,
          ),
        );
        const total = Math.hypot(...Object.values(want.params));
        assert.ok(Math.abs(row.gradNorm - total) <= 1e-5 * total, `gradient norm ${row.gradNorm} vs ${total}`);
      }
    });
  }
  it("the gradient reaching H_t shrinks going back from T (RNN at initialisation)", () => {
    const row = new GradientFlow(series, base).next();
    assert.ok(row.norms[0]! < row.norms[base.T - 1]! / 10, `||dL/dH_1|| ${row.norms[0]} vs ||dL/dH_T|| ${row.norms[base.T - 1]}`);
  });
  it("clipping on: gradients above the limit are scaled to it before the step", () => {
    const flow = new GradientFlow(series, { ...base, clip: 0.01 });
    const row = flow.next();
    assert.ok(row.clipped && row.gradNorm > 0.01);
    const after = Math.hypot(...flow.model.parameters().map((p) => p.grad!.norm().item()));
    assert.ok(Math.abs(after - 0.01) < 1e-6, `clipped norm ${after}`);
    const off = new GradientFlow(series, base);
    assert.equal(off.next().clipped, false);
  });
});
