// Page 8: sequence data. The series picker (or the learner's CSV) and τ drive sequence.ts, which
// computes the autocorrelation, the AR(τ) windows and the least-squares AR fit with tensorloom.
import * as tl from "../../../src/index.js";
import { readCsv } from "../../../src/frame/index.js";
import { num, term } from "../../shared/format.js";
import { grid, show } from "../../shared/grid.js";
import { byId, guarded, range, select, startPage } from "../../shared/ui.js";
import { csvInput, loadShipped, SHIPPED_SERIES, seriesOf, type LoadedSeries } from "../../shared/seqPage.js";
import { arWindows, autocorrelation, fitArModel, shuffled } from "./sequence.js";

const MAX_LAG = 36,
  HELD_OUT = 24,
  SHOWN_WINDOWS = 4;
const controls = byId("controls");
const tau = range(controls, { label: "window τ", min: 1, max: 24, value: 12, id: "tau", onInput: () => guarded(byId("error"), drawAr) });
const which = select(controls, {
  label: "series",
  options: SHIPPED_SERIES.map((s) => [s.id, s.label] as const),
  value: "airline",
  id: "series",
  onChange: () => void load(),
});
csvInput(controls, byId("error"), (name, text) => use(seriesOf(readCsv(text), name)));

let series: LoadedSeries;

async function load(): Promise<void> {
  const s = SHIPPED_SERIES.find((x) => x.id === which.value)!;
  const loaded = await loadShipped(s);
  guarded(byId("error"), () => use(loaded));
}

/** Draw everything for series s; throws what the library refuses (callers show it with guarded, once). */
function use(s: LoadedSeries): void {
  series = s;
  drawAcf();
  drawAr();
}

function drawAcf(): void {
  const x = series.values;
  const r = autocorrelation(x, MAX_LAG);
  const rs = autocorrelation(shuffled(x, 1), MAX_LAG);
  const lags = r.map((_, k) => k);
  const acf = tl.report.lineChart(
    [
      { name: "the series", x: lags, y: r },
      { name: "shuffled", x: lags, y: rs, dash: "5 3" },
    ],
    { title: "autocorrelation r_k", xLabel: "lag k", yLabel: "r_k", width: 460, height: 260, legend: "bottom" },
  );
  const line = tl.report.lineChart([{ name: series.name, y: x }], {
    title: series.name,
    xLabel: series.step,
    width: 460,
    height: 260,
    legend: "bottom",
  });
  byId("charts").innerHTML = line + acf;
  const k12 = Math.min(12, r.length - 1);
  show(
    byId("acf-text"),
    `r_k = Σ_t (x_t − m)(x_{t−k} − m) / Σ_t (x_t − m)², m = mean = ${num(x.reduce((a, b) => a + b, 0) / x.length)}, T = ${x.length}\n` +
      `the series: r_1 = ${num(r[1]!)}, r_${k12} = ${num(r[k12]!)}\nshuffled:   r_1 = ${num(rs[1]!)}, r_${k12} = ${num(rs[k12]!)}  (same values, random order)`,
  );
}

function drawAr(): void {
  const x = series.values,
    T = tau.value;
  const w = arWindows(x, T, SHOWN_WINDOWS);
  const cols = Math.min(T, 8); // at most 8 inputs shown: the newest
  const rows = w.inputs.map((inp, i) => [...inp.slice(-cols), w.target[i]!]);
  const header = `windows of τ = ${T}: inputs x_{t−τ} … x_{t−1}${T > cols ? ` (last ${cols} shown)` : ""} | target x_t`;
  show(byId("windows"), grid(rows, { id: "windows-grid", caption: header, cellClass: (_, j) => (j === cols ? "cur" : "") }));
  const fit = fitArModel(x, T, HELD_OUT);
  const shownA = fit.coefficients
    .slice(0, 6)
    .map((a, i) => `${term(a)}·x_{t−${i + 1}}`)
    .join(" + ");
  const t0 = fit.split; // the first held-out step
  const p0 = fit.predictions[t0 - T]!;
  show(
    byId("ar-formula"),
    `x̂_t = ${num(fit.intercept)} + ${shownA}${T > 6 ? ` + … (${T} terms)` : ""}\n` +
      `first held-out step (${series.labels[t0] ?? t0 + 1}): x̂ = ${num(p0)}, actual ${num(x[t0]!)}`,
  );
  show(
    byId("ar-error"),
    `RMSE on the ${t0 - T} fitted steps: ${num(fit.trainRmse)}\nRMSE on the ${HELD_OUT} held-out steps: ${num(fit.testRmse)}`,
  );
  const tail = Math.min(x.length, 96),
    start = x.length - tail;
  const steps = Array.from({ length: tail }, (_, i) => start + i + 1);
  const predicted = steps.map((s) => fit.predictions[s - 1 - T] ?? NaN);
  byId("fit-chart").innerHTML = tl.report.lineChart(
    [
      { name: "actual", x: steps, y: x.slice(start) },
      {
        name: `AR(${T}) one step ahead`,
        x: steps.filter((_, i) => Number.isFinite(predicted[i])),
        y: predicted.filter(Number.isFinite),
        dash: "5 3",
      },
    ],
    { title: `AR(${T}), last ${tail} steps (held out from ${t0 + 1})`, xLabel: series.step, width: 700, height: 280, legend: "bottom" },
  );
}

await startPage(load);
