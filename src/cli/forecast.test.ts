// The forecaster's linear baselines and missing values: least squares and AR(tau) against
// known answers, interpolation, the airline numbers the demo prints (AR and seasonal naive are
// exact computations, so they are pinned), and `train forecast --missing` end to end.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCsv } from "../frame/index.js";
import { arOneStep, fitAr, leastSquares } from "../data/autoregressive.js";
import { checkSeries, interpolateMissing, trainForecaster } from "./forecast.js";
import { dateLabels, forecastSection, forecastSummary } from "./forecastReport.js";
import { cli } from "../../test/support/cli.js";

const airline = () => {
  const df = readCsv(readFileSync(new URL("../../data/airline-passengers.csv", import.meta.url)));
  return { values: Array.from(df.col("passengers").toTensor("float64").storage), months: df.col("month").toArray().map(String) };
};

describe("leastSquares and AR(tau)", () => {
  it("recovers exact coefficients and matches the normal equations on a noisy fit", () => {
    const a = [
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
    ];
    const w = leastSquares(
      a,
      a.map(([c, x]) => 2 * c! - 0.5 * x!),
    );
    assert.ok(Math.abs(w[0]! - 2) < 1e-12 && Math.abs(w[1]! + 0.5) < 1e-12);
    // y = 1 + x + noise: closed form slope = cov/var
    const xs = [0, 1, 2, 3, 4],
      ys = [1.1, 1.9, 3.2, 3.8, 5.0];
    const [c, m] = leastSquares(
      xs.map((x) => [1, x]),
      ys,
    );
    const mx = 2,
      my = ys.reduce((s, v) => s + v, 0) / 5;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    assert.ok(Math.abs(m! - slope) < 1e-12 && Math.abs(c! - (my - slope * mx)) < 1e-12);
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
      /rank-deficient/,
    );
  });
  it("fitAr finds the coefficients of a noiseless AR(2) and forecasts it exactly one step ahead", () => {
    const x = [10, -8]; // far from the mean (0.5 / 0.7): the first 30 steps still carry information
    for (let t = 2; t < 40; t++) x.push(0.5 + 0.6 * x[t - 1]! - 0.3 * x[t - 2]!);
    const f = fitAr(x, 2, 30);
    assert.ok(
      Math.abs(f.coefficients[0]! - 0.6) < 1e-6 && Math.abs(f.coefficients[1]! + 0.3) < 1e-6 && Math.abs(f.intercept - 0.5) < 1e-6,
      JSON.stringify(f),
    );
    const p = arOneStep(f, x, 30, 40);
    p.forEach((v, k) => assert.ok(Math.abs(v - x[30 + k]!) < 1e-9));
  });
  it("a smooth, noiseless series (lag columns collinear to rounding) still fits and forecasts", () => {
    const d = Array.from({ length: 60 }, (_, t) => Math.log((100 + 2 * (t + 12)) / (100 + 2 * t)));
    const f = fitAr(d, 12, 48);
    arOneStep(f, d, 48, 60).forEach((v, k) => assert.ok(Math.abs(v - d[48 + k]!) < 1e-5));
  });
});

describe("missing values in a series", () => {
  it("interpolateMissing fills interior gaps linearly and refuses gaps at the ends", () => {
    const r = interpolateMissing([1, NaN, NaN, 4, 5, NaN, 9]);
    assert.deepEqual(r.values, [1, 2, 3, 4, 5, 7, 9]);
    assert.deepEqual(r.rows, [1, 2, 5]);
    assert.throws(() => interpolateMissing([NaN, 1, 2]), /cannot interpolate row 0 .* no value on one side/);
    assert.throws(() => interpolateMissing([1, 2, NaN, NaN]), /rows 2, 3/);
    const o = { tau: 2, season: 2, testSize: 2 };
    const series = Array.from({ length: 20 }, (_, i) => (i === 7 ? NaN : 10 + i));
    assert.throws(() => checkSeries(series, o), /1 missing value \(row 7, counting from 0\)\. Pass --missing interpolate/);
    checkSeries(series, { ...o, missing: "interpolate" });
  });
});

describe("the airline forecast: LSTM, linear AR(12), seasonal naive", () => {
  it("scores every model on the same 24 test months, one step ahead; the report shows them with dates", async () => {
    const { values, months } = airline();
    const r = await trainForecaster(values, { tau: 12, season: 12, testSize: 24, epochs: 1, hidden: 8, seed: 0 });
    assert.equal(r.testStart, 120);
    assert.equal(r.baselineRmse.toFixed(2), "49.99");
    assert.equal(r.ar.rmse.toFixed(2), "18.45"); // least squares on the values: exact, no seed
    assert.equal(r.arInputs.rmse.toFixed(2), "15.30");
    assert.equal(r.validation?.start, 96);
    assert.equal(r.validation?.ar.toFixed(2), "24.07");
    for (const p of [r.predicted, r.ar.predicted, r.arInputs.predicted, r.baseline]) assert.equal(p.length, 24);
    const rows = forecastSummary(r, { dates: months });
    const keys = rows.map(([k]) => k);
    for (const k of [
      "LSTM test RMSE",
      "linear AR(12) RMSE",
      "linear AR(12) on LSTM inputs RMSE",
      "seasonal-naive RMSE",
      "forecast verdict",
      "validation RMSE",
    ])
      assert.ok(keys.includes(k), k);
    assert.match(rows[0]![1], /1959-01 to 1960-12/);
    const s = forecastSection(r, { heading: "h", dates: months });
    assert.match(s.figures[0]!, />1959-01<\/text>/);
    assert.match(s.figures[0]!, />1960-07<\/text>/);
    assert.match(s.figures[0]!, />1958-01<\/text>/); // 12 months of context before the test months
    assert.doesNotMatch(s.figures[0]!, />1957-/); // zoomed: nothing earlier
    assert.match(s.text!, /AR\(12\)/);
    assert.match(s.text!, /Verdict: /);
  });
});

describe("dateLabels: a user's date column labels the report's time axis", () => {
  it("takes the first other column of ISO-like dates, as text; none when there is none", () => {
    assert.deepEqual(dateLabels(readCsv("t,month,v\n0,1959-01,1\n1,1959-02,2\n"), "v"), ["1959-01", "1959-02"]);
    assert.equal(dateLabels(readCsv("t,v\n0,1\n1,2\n"), "v"), undefined);
    assert.equal(dateLabels(readCsv("name,v\nJan,1\nFeb,2\n"), "v"), undefined);
  });
});

describe("train forecast --missing", () => {
  const dir = mkdtempSync(join(tmpdir(), "tensorloom-forecast-"));
  const csv = join(dir, "sales.csv");
  const rows = Array.from(
    { length: 72 },
    (_, t) => `${t},${t === 20 || t === 21 || t === 50 ? "" : ((100 + 2 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12))).toFixed(3)}`,
  );
  writeFileSync(csv, ["t,sales", ...rows].join("\n") + "\n");
  it("refuses by default: one line naming the rows and the flag, exit code 2", async () => {
    const r = await cli("train", "forecast", "--csv", csv, "--column", "sales", "--test", "12", "--epochs", "2", "--out", join(dir, "o1"));
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(
      r.stderr,
      /^tensorloom: train forecast: the series has 3 missing values \(rows 20, 21, 50, counting from 0\)\. Pass --missing interpolate/,
    );
  });
  it("--missing interpolate fills them linearly and says so in the output and the report", async () => {
    const out = join(dir, "o2");
    const r = await cli(
      "train",
      "forecast",
      "--csv",
      csv,
      "--column",
      "sales",
      "--test",
      "12",
      "--epochs",
      "2",
      "--missing",
      "interpolate",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /missing values\s+3 filled by linear interpolation \(rows 20, 21, 50, counting from 0\)/);
    assert.match(r.stdout, /linear AR\(12\) RMSE\s+\d/);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.match(html, /3 missing values were filled by linear interpolation/);
    assert.match(html, /linear AR\(12\) RMSE/);
    assert.equal(readFileSync(join(out, "predictions.csv"), "utf8").trim().split("\n").length, 13);
  });
  it("a bad --missing value and gaps at the ends are user errors", async () => {
    let r = await cli("train", "forecast", "--csv", csv, "--column", "sales", "--missing", "zero", "--out", join(dir, "o3"));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--missing must be refuse or interpolate, got "zero"/);
    const ends = join(dir, "ends.csv");
    writeFileSync(ends, ["t,v", ...Array.from({ length: 72 }, (_, t) => `${t},${t === 71 ? "" : 100 + t}`)].join("\n") + "\n");
    r = await cli("train", "forecast", "--csv", ends, "--column", "v", "--missing", "interpolate", "--out", join(dir, "o4"));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot interpolate row 71 .* Drop those rows first/);
  });
});
