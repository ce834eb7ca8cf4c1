// Fused recurrent ops: float64 finite-difference gradients (first and second order), and the
// fused whole-sequence ops against the step-by-step graph they replace. The PyTorch fixtures
// (rnn/lstm/gru/cells/tbptt/e2e_lstm) run through these ops too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tl from "../index.js";
import { gruCell, gruSequence, lstmCell, lstmSequence } from "./recurrent.js";

const g64 = (shape: number[], seed: number, scale = 1): tl.Tensor =>
  tl
    .randn(shape, { dtype: "float64", generator: new tl.Generator(seed) })
    .mul(scale)
    .detach()
    .requiresGrad_();

describe("fused recurrent ops: float64 gradcheck", () => {
  const B = 2,
    H = 3,
    T = 4;
  it("lstmCell", () => {
    tl.gradCheck((g, c) => lstmCell(g, c), [g64([B, 4 * H], 1, 2), g64([B, H], 2)], { name: "lstmCell" });
  });
  it("gruCell", () => {
    tl.gradCheck((x, hg, h) => gruCell(x, hg, h), [g64([B, 3 * H], 3, 2), g64([B, 3 * H], 4), g64([B, H], 5)], { name: "gruCell" });
  });
  for (const reverse of [false, true]) {
    it(`lstmSequence (reverse ${reverse})`, () => {
      tl.gradCheck(
        (x, h, c, w) => lstmSequence(x, h, c, w, reverse),
        [g64([T, B, 4 * H], 6), g64([B, H], 7), g64([B, H], 8), g64([4 * H, H], 9, 0.5)],
        { name: "lstmSequence" },
      );
    });
    it(`gruSequence with and without b_hh (reverse ${reverse})`, () => {
      tl.gradCheck(
        (x, h, w, b) => gruSequence(x, h, w, b, reverse),
        [g64([T, B, 3 * H], 10), g64([B, H], 11), g64([3 * H, H], 12, 0.5), g64([3 * H], 13)],
        { name: "gruSequence" },
      );
      tl.gradCheck((x, h, w) => gruSequence(x, h, w, null, reverse), [g64([T, B, 3 * H], 14), g64([B, H], 15), g64([3 * H, H], 16, 0.5)], {
        name: "gruSequence no bias",
      });
    });
  }
  // second order: the backward of a createGraph pass is built from differentiable ops
  const second =
    (f: (...xs: tl.Tensor[]) => tl.Tensor) =>
    (...xs: tl.Tensor[]): tl.Tensor =>
      tl.enableGrad(
        () =>
          tl.grad(
            f(...xs)
              .pow(2)
              .sum(),
            [xs[0]!],
            undefined,
            { createGraph: true },
          )[0]!,
      );
  it("second derivatives of lstmCell and lstmSequence", () => {
    tl.gradCheck(
      second((g, c) => lstmCell(g, c)),
      [g64([B, 4 * H], 17), g64([B, H], 18)],
      { name: "d lstmCell" },
    );
    tl.gradCheck(
      second((x, h, c, w) => lstmSequence(x, h, c, w, false)),
      [g64([T, B, 4 * H], 19), g64([B, H], 20), g64([B, H], 21), g64([4 * H, H], 22, 0.5)],
      { name: "d lstmSequence" },
    );
  });
  it("second derivatives of gruCell and gruSequence", () => {
    tl.gradCheck(
      second((x, hg, h) => gruCell(x, hg, h)),
      [g64([B, 3 * H], 23), g64([B, 3 * H], 24), g64([B, H], 25)],
      { name: "d gruCell" },
    );
    tl.gradCheck(
      second((x, h, w, b) => gruSequence(x, h, w, b, true)),
      [g64([T, B, 3 * H], 26), g64([B, H], 27), g64([3 * H, H], 28, 0.5), g64([3 * H], 29)],
      { name: "d gruSequence" },
    );
  });
});

describe("fused sequence layers equal the step-by-step graph", () => {
  // onStep forces the per-step path; both must give the same outputs and weight gradients
  for (const kind of ["LSTM", "GRU"] as const) {
    for (const bidirectional of [false, true]) {
      it(`${kind} (bidirectional ${bidirectional}, 2 layers, float32 on the active backend)`, () => {
        const run = (perStep: boolean) => {
          tl.manualSeed(3);
          const m =
            kind === "LSTM" ? new tl.nn.LSTM(5, 8, { numLayers: 2, bidirectional }) : new tl.nn.GRU(5, 8, { numLayers: 2, bidirectional });
          const x = tl.randn([6, 3, 5]),
            g = tl.randn([6, 3, bidirectional ? 16 : 8]);
          const [out, state] = m.forward(x, undefined, perStep ? { onStep: () => {} } : {});
          const hN = Array.isArray(state) ? state[0] : state;
          out.mul(g).sum().add(hN.sum()).backward();
          return [out, hN, ...m.parameters().map((p) => p.grad!)];
        };
        const fused = run(false),
          stepwise = run(true);
        fused.forEach((t, i) => {
          const a = t.storage,
            b = stepwise[i]!.storage;
          for (let j = 0; j < a.length; j++)
            assert.ok(Math.abs(a[j]! - b[j]!) <= 1e-5 * (1 + Math.abs(b[j]!)), `tensor ${i}[${j}]: ${a[j]} vs ${b[j]}`);
        });
      });
    }
  }
});
