// Gradient traces through truncated BPTT: steps cut by truncation are marked `cut: true` (NaN in
// hiddenGradNorms, as before), steps of the current chunk carry the norms a plain trace of that
// chunk gives, and onStep sees time counted over the whole input.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const nn = tl.nn;

describe("GradientTrace through truncatedBptt", () => {
  for (const kind of ["RNN", "LSTM", "GRU"] as const) {
    it(`${kind}: earlier chunks are cut, the current chunk matches a plain trace`, () => {
      tl.manualSeed(3);
      const make = () =>
        kind === "RNN"
          ? new nn.RNN(2, 3, { dtype: "float64" })
          : kind === "LSTM"
            ? new nn.LSTM(2, 3, { dtype: "float64" })
            : new nn.GRU(2, 3, { dtype: "float64" });
      const m = make();
      const x = tl.randn([10, 2, 2], { dtype: "float64" });
      const loss = (o: tl.Tensor) => o.pow(2).sum();
      const trace = new nn.GradientTrace();
      const snaps: { chunk: tl.nn.ChunkInfo; steps: tl.nn.TracedStep[]; norms: number[] }[] = [];
      const times: number[] = [];
      nn.truncatedBptt(m as tl.nn.RecurrentModule, x, {
        chunkSize: 4,
        loss,
        trace,
        onStep: (s) => times.push(s.t),
        afterBackward: (chunk) => snaps.push({ chunk, steps: trace.hiddenGradSteps(), norms: trace.hiddenGradNorms() }),
      });
      assert.deepEqual(times, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(
        snaps.map((s) => [s.chunk.start, s.chunk.end]),
        [
          [0, 4],
          [4, 8],
          [8, 10],
        ],
      );
      // the reference: the same chunks by hand, each traced by a fresh trace
      let state: tl.nn.RecurrentState | null = null;
      for (const { chunk, steps, norms } of snaps) {
        const ref = new nn.GradientTrace();
        const [out, next] = (m as tl.nn.RecurrentModule).forward(x.narrow(0, chunk.start, chunk.end - chunk.start), state as never, {
          onStep: ref.onStep,
        });
        m.zeroGrad();
        loss(out).backward();
        state = nn.detachState(next);
        const want = ref.hiddenGradNorms();
        assert.equal(steps.length, chunk.end);
        for (let t = 0; t < chunk.end; t++) {
          if (t < chunk.start) {
            assert.deepEqual(steps[t], { norm: null, cut: true }, `chunk ${chunk.index} t=${t}`);
            assert.ok(Number.isNaN(norms[t]!));
          } else {
            assert.equal(steps[t]!.cut, false);
            assert.ok(
              Math.abs(steps[t]!.norm! - want[t - chunk.start]!) < 1e-12,
              `chunk ${chunk.index} t=${t}: ${steps[t]!.norm} vs ${want[t - chunk.start]}`,
            );
            assert.equal(norms[t], steps[t]!.norm);
          }
        }
      }
      // after the run the last chunk's steps keep their norms, everything is cut once more
      assert.ok(trace.hiddenGradSteps().every((s) => s.cut && s.norm === null));
    });
  }

  it("a step after the loss's last output gets a zero norm, not cut; retracing clears cut", () => {
    tl.manualSeed(4);
    const m = new nn.GRU(1, 2);
    const trace = new nn.GradientTrace();
    const [out] = m.forward(tl.randn([4, 1, 1]), null, { onStep: trace.onStep });
    out.select(0, 1).sum().backward(); // steps 2 and 3 do not reach the loss (stack sends them zeros)
    const steps = trace.hiddenGradSteps();
    assert.equal(steps[0]!.cut, false);
    assert.ok(steps[0]!.norm! > 0 && steps[1]!.norm! > 0);
    assert.deepEqual(steps.slice(2), [
      { norm: 0, cut: false },
      { norm: 0, cut: false },
    ]);
    trace.truncate();
    assert.ok(trace.hiddenGradSteps().every((s) => s.cut));
    const [o2] = m.forward(tl.randn([2, 1, 1]), null, { onStep: trace.onStep });
    o2.sum().backward();
    const again = trace.hiddenGradSteps();
    assert.equal(again[0]!.cut, false);
    assert.equal(again[1]!.cut, false);
    assert.ok(again[1]!.norm! > 0);
    assert.deepEqual(again.slice(2), [
      { norm: null, cut: true },
      { norm: null, cut: true },
    ]);
  });

  it("without onStep or trace the output is the fused path's, and with them the same values", () => {
    tl.manualSeed(5);
    const m = new nn.LSTM(2, 3);
    const x = tl.randn([7, 1, 2]);
    const a = nn.truncatedBptt(m, x, { chunkSize: 3, loss: (o) => o.sum() });
    const b = nn.truncatedBptt(m, x, { chunkSize: 3, loss: (o) => o.sum(), trace: new nn.GradientTrace() });
    assert.ok(a.output.sub(b.output).abs().max().item() < 1e-5);
  });
});
