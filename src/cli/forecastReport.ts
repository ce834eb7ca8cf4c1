// What the forecaster's results look like to a person: summary rows (printed and in the report)
// and a report section whose text says which model won on the test months, and why.

import * as tl from "../index.js";
import type { DataFrame } from "../frame/index.js";
import type { ReportSection } from "../report/index.js";
import type { ForecastResult } from "./forecast.js";

const f2 = (v: number): string => v.toFixed(2);

/** "rows 3, 7 and 9" style list of 0-based rows (first few, then a count). */
function rows(r: readonly number[]): string {
  return r.length > 6 ? `${r.slice(0, 6).join(", ")}, ... (${r.length} in all)` : r.join(", ");
}

/** The label of month i: dates[i] when given, else "row i". */
const at = (dates: readonly string[] | undefined, i: number): string => dates?.[i] ?? `row ${i}`;

/** Which model had the lowest test RMSE, and whether the LSTM beat both linear baselines. */
export function forecastVerdict(r: ForecastResult): { lstmWins: boolean; line: string } {
  const bestLinear = Math.min(r.ar.rmse, r.arInputs.rmse);
  const which = r.ar.rmse <= r.arInputs.rmse ? `AR(${r.tau}) on the values` : `AR(${r.tau}) on the LSTM's inputs`;
  return r.rmse < bestLinear
    ? { lstmWins: true, line: `the LSTM wins (${f2(r.rmse)} against ${f2(bestLinear)} for the better linear model, ${which})` }
    : { lstmWins: false, line: `a linear model wins: ${which}, ${f2(bestLinear)} against the LSTM's ${f2(r.rmse)}` };
}

/** "month" for a season of 12 (monthly data), else "period". */
const periodWord = (r: ForecastResult): string => (r.season === 12 ? "month" : "period");

/** "same month last year", or "the value 7 periods before" for other seasons. */
const naiveWhat = (r: ForecastResult): string => (r.season === 12 ? "same month last year" : `the value ${r.season} periods before`);

/** Summary rows: the LSTM, the two linear AR(tau) baselines, seasonal naive, the verdict. `unit` follows each RMSE. */
export function forecastSummary(
  r: ForecastResult,
  o: { name?: string; unit?: string; dates?: readonly string[] } = {},
): [string, string][] {
  const n = r.actual.length,
    unit = o.unit ? ` ${o.unit}` : "",
    P = periodWord(r);
  const out: [string, string][] = [
    [
      `${o.name ?? "LSTM"} test RMSE`,
      `${f2(r.rmse)}${unit} (last ${n} ${P}s, ${at(o.dates, r.testStart)} to ${at(o.dates, r.series.length - 1)}, one step ahead)`,
    ],
    [`linear AR(${r.tau}) RMSE`, `${f2(r.ar.rmse)} (least squares on the values, training ${P}s only)`],
    [`linear AR(${r.tau}) on LSTM inputs RMSE`, `${f2(r.arInputs.rmse)} (least squares on the seasonal log-differences)`],
    ["seasonal-naive RMSE", `${f2(r.baselineRmse)} (${naiveWhat(r)})`],
    ["forecast verdict", forecastVerdict(r).line],
  ];
  if (r.validation) {
    const v = r.validation;
    out.push([
      "validation RMSE",
      `LSTM ${f2(v.lstm)}, AR(${r.tau}) ${f2(v.ar)}, AR(${r.tau}) on LSTM inputs ${f2(v.arInputs)}, seasonal naive ${f2(v.naive)} (${at(o.dates, v.start)} to ${at(o.dates, r.testStart - 1)}, trained on the ${P}s before; the forecaster's defaults were chosen on the airline series' validation months)`,
    ]);
  }
  if (r.interpolated.length)
    out.push([
      "missing values",
      `${r.interpolated.length} filled by linear interpolation (row${r.interpolated.length > 1 ? "s" : ""} ${rows(r.interpolated)}, counting from 0)`,
    ]);
  return out;
}

/** x-axis ticks every `step` months inside [from, to], labelled with the dates (or row numbers). */
function monthTicks(dates: readonly string[] | undefined, from: number, to: number, step: number): { at: number; label: string }[] {
  const out: { at: number; label: string }[] = [];
  // align on January when the dates are "YYYY-MM"
  const phase = dates?.[from]?.match(/^\d{4}-(\d{2})/) ? (13 - Number(dates[from]!.slice(5, 7))) % step : 0;
  for (let i = from + phase; i <= to; i += step) out.push({ at: i, label: at(dates, i).replace(/^row /, "") });
  return out;
}

/** The report section: what was trained, the verdict and why, a zoom on the test months, the whole series, the training loss. */
export function forecastSection(r: ForecastResult, o: { heading: string; dates?: readonly string[]; yLabel?: string }): ReportSection {
  const { report } = tl;
  const n = r.series.length,
    ts = r.testStart,
    tau = r.tau,
    season = r.season,
    hidden = r.model.lstm.hiddenSize,
    P = periodWord(r);
  const verdict = forecastVerdict(r);
  const testX = r.actual.map((_, k) => ts + k);
  const from = Math.max(0, ts - Math.max(season, 12)); // a season of context before the test
  const zoomX = Array.from({ length: n - from }, (_, k) => from + k);
  const models = [
    { name: "LSTM", x: testX, y: r.predicted, color: "#d62728" },
    { name: `AR(${tau}), values`, x: testX, y: r.ar.predicted, color: "#2ca02c" },
    { name: `AR(${tau}), LSTM inputs`, x: testX, y: r.arInputs.predicted, color: "#9467bd" },
    { name: "seasonal naive", x: testX, y: r.baseline, color: "#888888", dash: "5 4" },
  ];
  const text = [
    `An LSTM(1→${hidden}) reads the last ${tau} seasonal log-differences (this ${P}'s log value minus the log value ${season === 12 ? "a year" : `${season} periods`} before, standardised on the training ${P}s) and predicts the next one; the forecast for a ${P} is the actual value ${season === 12 ? "a year" : `${season} periods`} before, scaled by it. Beside it, two linear AR(${tau}) models fitted by least squares on the same training ${P}s: one on the values (x_t = c + a_1 x_{t-1} + ... + a_${tau} x_{t-${tau}}, the autoregressive model that comes before RNNs) and one on the LSTM's own inputs (a linear map in the LSTM's place). Every forecast is one step ahead: it reads the actual ${P}s before it, for all four models. Seasonal naive repeats ${r.season === 12 ? "last year's value" : `the value ${season} periods before`}.`,
    verdict.lstmWins
      ? `Verdict: ${verdict.line} on the ${r.actual.length} test ${P}s.`
      : `Verdict: ${verdict.line} on the ${r.actual.length} test ${P}s. The series is short (${n} ${P}s, ${ts - season - tau} training windows): a linear model with the right lag captures most of what such a series shows (on the airline series, nearly linear once logged and seasonally differenced) and leaves an LSTM little to add, while the LSTM's ${r.model.parameters().reduce((n, p) => n + p.numel(), 0)} weights can fit noise. The LSTM's size, epochs and learning rate were chosen on the airline series' validation months (1957-1958, before its test months), never on test months${r.validation ? `; on this series' validation ${P}s (the ${r.actual.length} before the test ${P}s, trained on the months before them) it scored ${f2(r.validation.lstm)} against ${f2(Math.min(r.validation.ar, r.validation.arInputs))} for the better linear model${r.validation.lstm < Math.min(r.validation.ar, r.validation.arInputs) ? `, a win that did not carry over to the test ${P}s` : ""}` : ""}. Tried on the airline validation months and not kept: 16 or 32 units, more epochs, weight decay, a lower learning rate, a linear skip path, averaging five seeds.`,
  ];
  if (r.interpolated.length)
    text.push(
      `${r.interpolated.length} missing value${r.interpolated.length > 1 ? "s were" : " was"} filled by linear interpolation between the nearest known ${P}s (row${r.interpolated.length > 1 ? "s" : ""} ${rows(r.interpolated)}, counting from 0) before training.`,
    );
  return {
    heading: o.heading,
    text: text.join("\n\n"),
    figures: [
      report.lineChart([{ name: "actual", x: zoomX, y: r.series.slice(from), color: "#222222" }, ...models], {
        title: `Test ${P}s: forecasts one step ahead`,
        xLabel: `${P} (test from ${at(o.dates, ts)})`,
        yLabel: o.yLabel ?? "value",
        width: 640,
        height: 340,
        legend: "bottom",
        xTicks: monthTicks(o.dates, from, n - 1, season === 12 ? 6 : Math.max(1, Math.ceil((n - from) / 8))),
      }),
      report.lineChart(
        [
          { name: "actual", x: r.series.map((_, i) => i), y: r.series, color: "#222222" },
          { ...models[0]!, name: `LSTM (test ${P}s)` },
        ],
        {
          title: "The whole series",
          xLabel: P,
          yLabel: o.yLabel ?? "value",
          width: 520,
          height: 300,
          legend: "bottom",
          xTicks: monthTicks(o.dates, 0, n - 1, season === 12 ? (n > 72 ? 24 : 12) : Math.max(1, Math.ceil(n / 60) * 10)),
        },
      ),
      report.lineChart([{ name: "train MSE", x: r.history.map((h) => h.epoch), y: r.history.map((h) => h.trainLoss) }], {
        title: "LSTM training loss",
        xLabel: "epoch",
        yLabel: "MSE (standardised)",
        logY: true,
        width: 520,
        height: 300,
        legend: "bottom",
      }),
    ],
  };
}

/**
 * Labels for the report's time axis from a user's CSV: the first column other than `column`
 * whose values all start like ISO dates ("1959-01", "2024-03-31"), as text; undefined if none.
 */
export function dateLabels(df: DataFrame, column: string): string[] | undefined {
  for (const c of df.columns) {
    if (c === column) continue;
    const v = df.col(c).toArray();
    if (v.length && v.every((x) => typeof x === "string" && /^\d{4}-\d{2}/.test(x))) return v as string[];
  }
  return undefined;
}
