// tl.data.fitAr / arOneStep: the linear AR(tau) model against known coefficients, against
// numpy's lstsq on the lagged windows of the airline series (test/fixtures/lab_sequence.json,
// scripts/fixtures/lab_sequence.py: the OLS that statsmodels' AutoReg(trend="c") solves), and
// its refusals.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tl from "../index.js";
import { readCsv } from "../frame/index.js";
import { leastSquares } from "./autoregressive.js";

const { fitAr, arOneStep } = tl.data;

describe("fitAr and arOneStep", () => {
  it("recover a noiseless AR(2) and forecast it exactly one step ahead", () => {
    const x = [10, -8];
    for (let t = 2; t < 40; t++) x.push(0.5 + 0.6 * x[t - 1]! - 0.3 * x[t - 2]!);
    const f = fitAr(Float64Array.from(x), 2, 30);
    assert.equal(f.tau, 2);
    assert.ok(
      Math.abs(f.coefficients[0]! - 0.6) < 1e-6 && Math.abs(f.coefficients[1]! + 0.3) < 1e-6 && Math.abs(f.intercept - 0.5) < 1e-6,
      JSON.stringify(f),
    );
    arOneStep(f, x, 30, 40).forEach((v, k) => assert.ok(Math.abs(v - x[30 + k]!) < 1e-9));
  });

  it("equal numpy's least squares on the airline series' lagged windows (all but the last 24 months)", () => {
    const ref = JSON.parse(readFileSync(new URL("../../test/fixtures/lab_sequence.json", import.meta.url), "utf8")) as {
      held_out: number;
      series: { airline: { ar: { tau: number; intercept: number; coefficients: number[]; test_predictions: number[] }[] } };
    };
    const x = readCsv(readFileSync(new URL("../../data/airline-passengers.csv", import.meta.url), "utf8"))
      .col("passengers")
      .toArray() as number[];
    const end = x.length - ref.held_out;
    const close = (a: number, b: number, rtol: number, what: string): void =>
      assert.ok(Math.abs(a - b) <= rtol * (1 + Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
    for (const want of ref.series.airline.ar) {
      const f = fitAr(x, want.tau, end);
      // the ridge rows (1e-6 of a lag column's norm) move the fit by ~1e-7
      close(f.intercept, want.intercept, 1e-5, `AR(${want.tau}) intercept`);
      f.coefficients.forEach((a, i) => close(a, want.coefficients[i]!, 1e-5, `AR(${want.tau}) a_${i + 1}`));
      arOneStep(f, x, end, x.length).forEach((p, i) => close(p, want.test_predictions[i]!, 1e-7, `AR(${want.tau}) forecast ${i}`));
    }
  });

  it("leastSquares matches the closed-form line fit and refuses a rank-deficient matrix", () => {
    const xs = [0, 1, 2, 3, 4],
      ys = [1.1, 1.9, 3.2, 3.8, 5.0];
    const [c, m] = leastSquares(
      xs.map((v) => [1, v]),
      ys,
    );
    const slope = xs.reduce((s, v, i) => s + (v - 2) * (ys[i]! - 3), 0) / xs.reduce((s, v) => s + (v - 2) ** 2, 0);
    assert.ok(Math.abs(m! - slope) < 1e-12 && Math.abs(c! - (3 - 2 * slope)) < 1e-12);
    assert.throws(
      () =>
        leastSquares(
          [
            [1, 2],
            [2, 4],
            [3, 6],
          ],
          [1, 2, 3],
        ),
      (e: Error) => e instanceof tl.ValueError && /rank-deficient/.test(e.message),
    );
  });

  it("refuses a bad order, a series too short, an all-zero series and forecasts outside the series", () => {
    assert.throws(
      () => fitAr([1, 2, 3, 4], 0),
      (e: Error) => e instanceof tl.ValueError && /tau must be a positive integer, got 0/.test(e.message),
    );
    assert.throws(() => fitAr([1, 2, 3, 4], 2.5), /tau must be a positive integer/);
    assert.throws(() => fitAr([1, 2, 3], 3), /needs at least one target after the first 3 values/);
    assert.throws(() => fitAr([1, 2, 3, 4], 1, 9), /end must be an integer in \[0, 4\]/);
    assert.throws(
      () => fitAr([0, 0, 0, 0, 0, 0], 2),
      (e: Error) => e instanceof tl.ValueError && /AR\(2\) cannot be fitted: .*rank-deficient/.test(e.message),
    );
    const f = fitAr([1, 2, 4, 8, 16, 32, 64, 128], 1);
    assert.ok(Math.abs(f.coefficients[0]! - 2) < 1e-5, JSON.stringify(f));
    assert.throws(() => arOneStep(f, [1, 2, 3], 0, 3), /from \(0\) >= tau \(1\)/);
    assert.throws(() => arOneStep(f, [1, 2, 3], 1, 4), /to \(4\) <= 3/);
  });
  it("names a NaN or infinity in the series (not a rank-deficient column)", () => {
    assert.throws(() => fitAr([1, 2, Number.NaN, 4, 5, 6, 3, 8], 1), /^ValueError: fitAr: the series has NaN at position 2/);
    assert.throws(() => fitAr([1, 2, 3, 4, 5, Number.POSITIVE_INFINITY], 1), /the series has Infinity at position 5/);
    // values from end on are not read
    assert.equal(fitAr([1, 3, 2, 5, 4, 7, 6, 9, Number.NaN], 2, 8).tau, 2);
  });
});
