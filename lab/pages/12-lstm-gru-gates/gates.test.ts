// The gates page: the gates read from onStep rebuild the states by the LSTM and GRU equations,
// and training lowers the one-step-ahead error within a bounded number of epochs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { readCsv } from "../../../src/frame/index.js";
import { standardize } from "../../shared/seqModels.js";
import { GateTrainer } from "./gates.js";

const airline = standardize(
  readCsv(readFileSync(new URL("../../data/airline-passengers.csv", import.meta.url), "utf8"))
    .col("passengers")
    .toArray() as number[],
).values;
const near = (a: number, b: number, label: string): void => assert.ok(Math.abs(a - b) < 1e-5, `${label}: ${a} vs ${b}`);

describe("lab 12 LSTM and GRU gates", () => {
  it("LSTM: C_t = f C_{t-1} + i g and H_t = o tanh(C_t) at every step and unit", () => {
    const tr = new GateTrainer(airline, "LSTM", 4, 1);
    tr.train();
    const s = tr.snapshot();
    assert.ok(s.timeline.kind === "LSTM");
    const { i, f, g, o } = s.timeline;
    assert.equal(s.h.length, airline.length - 1);
    s.h.forEach((hRow, t) =>
      hRow.forEach((hv, j) => {
        const cPrev = t > 0 ? s.c![t - 1]![j]! : 0;
        near(s.c![t]![j]!, f![t]![j]! * cPrev + i![t]![j]! * g![t]![j]!, `C_${t + 1}[${j}]`);
        near(hv, o![t]![j]! * Math.tanh(s.c![t]![j]!), `H_${t + 1}[${j}]`);
      }),
    );
    assert.ok(
      [i, f, o].every((gate) => gate!.flat().every((v) => v > 0 && v < 1)),
      "sigmoid gates lie in (0, 1)",
    );
  });
  it("GRU: H_t = (1 - z) n + z H_{t-1} at every step and unit", () => {
    const tr = new GateTrainer(airline, "GRU", 4, 1);
    tr.train();
    const s = tr.snapshot();
    assert.ok(s.timeline.kind === "GRU");
    const { z, n } = s.timeline;
    s.h.forEach((hRow, t) =>
      hRow.forEach((hv, j) => {
        const hPrev = t > 0 ? s.h[t - 1]![j]! : 0;
        near(hv, (1 - z![t]![j]!) * n![t]![j]! + z![t]![j]! * hPrev, `H_${t + 1}[${j}]`);
      }),
    );
  });
  for (const kind of ["LSTM", "GRU"] as const) {
    it(`${kind}: 60 epochs bring the one-step-ahead MSE on the standardized airline series below 0.1`, () => {
      const tr = new GateTrainer(airline, kind, 8, 1);
      const first = tr.loss();
      for (let e = 0; e < 60; e++) tr.train();
      const last = tr.loss();
      assert.ok(last < 0.1 && last < first / 3, `MSE ${first} -> ${last}`);
      assert.equal(tr.snapshot().predictions.length, airline.length - 1);
    });
  }
});
