// The sequence-data page's numbers against numpy (test/fixtures/lab_sequence.json, made by
// scripts/fixtures/lab_sequence.py from the same lab/data CSVs the page loads).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { readCsv } from "../../../src/frame/index.js";
import { arWindows, autocorrelation, fitArModel, shuffled } from "./sequence.js";

interface ArRef {
  tau: number;
  intercept: number;
  coefficients: number[];
  train_rmse: number;
  test_rmse: number;
  test_predictions: number[];
}
const ref = JSON.parse(readFileSync(new URL("../../../test/fixtures/lab_sequence.json", import.meta.url), "utf8")) as {
  max_lag: number;
  held_out: number;
  series: Record<string, { acf: number[]; ar: ArRef[] }>;
};
const column = (file: string, name: string): number[] =>
  readCsv(readFileSync(new URL(`../../data/${file}`, import.meta.url), "utf8"))
    .col(name)
    .toArray() as number[];
const series: Record<string, number[]> = {
  airline: column("airline-passengers.csv", "passengers"),
  co2: column("co2-mauna-loa.csv", "ppm"),
};

const close = (a: number, b: number, rtol: number, label: string): void =>
  assert.ok(Math.abs(a - b) <= rtol * (1 + Math.abs(b)), `${label}: ${a} vs numpy ${b}`);

describe("lab 08 sequence data", () => {
  for (const [name, x] of Object.entries(series)) {
    it(`${name}: autocorrelation r_0..r_36 equals numpy's`, () => {
      const r = autocorrelation(x, ref.max_lag);
      assert.equal(r.length, ref.max_lag + 1);
      r.forEach((v, k) => close(v, ref.series[name]!.acf[k]!, 1e-12, `r_${k}`));
    });
    for (const want of ref.series[name]!.ar) {
      it(`${name}: AR(${want.tau}) least squares and its held-out error equal numpy's lstsq`, () => {
        const got = fitArModel(x, want.tau, ref.held_out);
        // fitAr's ridge row (1e-6 of a lag column's norm) keeps collinear lags solvable; it moves the fit by ~1e-7
        close(got.intercept, want.intercept, 1e-5, "intercept");
        got.coefficients.forEach((a, i) => close(a, want.coefficients[i]!, 1e-5, `a_${i + 1}`));
        close(got.trainRmse, want.train_rmse, 1e-6, "train RMSE");
        close(got.testRmse, want.test_rmse, 1e-6, "held-out RMSE");
        const held = got.predictions.slice(got.split - want.tau);
        assert.equal(held.length, ref.held_out);
        held.forEach((p, i) => close(p, want.test_predictions[i]!, 1e-7, `prediction ${i}`));
      });
    }
  }
  it("shuffling destroys the dependence: the shuffled airline series has |r_k| < 0.3 where the real one has r_1 = 0.95", () => {
    const x = series.airline!;
    const s = shuffled(x, 7);
    assert.deepEqual(
      [...s].sort((a, b) => a - b),
      [...x].sort((a, b) => a - b),
      "the same values",
    );
    const r = autocorrelation(s, 12);
    assert.ok(
      r.slice(1).every((v) => Math.abs(v) < 0.3),
      `shuffled r: ${r.map((v) => v.toFixed(2)).join(" ")}`,
    );
    assert.ok(autocorrelation(x, 1)[1]! > 0.9);
  });
  it("AR(tau) windows: sample i reads x_i..x_{i+tau-1} and targets x_{i+tau}", () => {
    const w = arWindows(series.airline!, 3, 2);
    assert.deepEqual(w.inputs, [
      [112, 118, 132],
      [118, 132, 129],
    ]);
    assert.deepEqual(w.target, [129, 121]);
  });
  it("refuses a tau the series cannot fit, naming the numbers", () => {
    assert.throws(() => fitArModel([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4, 4), /tau = 4 needs more than 12 values.*has 10/);
    assert.throws(() => autocorrelation([3, 3, 3], 2), /constant/);
  });
});
