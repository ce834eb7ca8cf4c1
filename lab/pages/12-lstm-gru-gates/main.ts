// Page 12: LSTM and GRU gates. A GateTrainer trains in the page a few epochs per frame; every
// SNAPSHOT_EVERY epochs its gates go to tl.report's gates timeline and the step slider prints one
// step's gate equation with the numbers.
import * as tl from "../../../src/index.js";
import { readCsv } from "../../../src/frame/index.js";
import { num, term } from "../../shared/format.js";
import { show } from "../../shared/grid.js";
import { button, byId, controlBar, guarded, range, select, startPage } from "../../shared/ui.js";
import { standardize } from "../../shared/seqModels.js";
import { csvInput, loadShipped, nextFrame, SHIPPED_SERIES, seriesOf, type LoadedSeries } from "../../shared/seqPage.js";
import { GateTrainer, type GatedKind, type GateSnapshot } from "./gates.js";

const EPOCHS = 150,
  EPOCHS_PER_FRAME = 2,
  SNAPSHOT_EVERY = 10,
  MAX_STEPS = 144;
const controls = byId("controls");
const step = range(controls, { label: "time step t", min: 1, max: MAX_STEPS - 1, value: 12, id: "t", onInput: () => drawStep() });
const retrain = (): void => void guarded(byId("error"), train);
const ui = controlBar(retrain, controls);
const hidden = ui.range({ label: "hidden units", min: 1, max: 8, value: 4, id: "hidden" });
const kind = ui.select<GatedKind>({
  label: "model",
  options: [
    ["LSTM", "LSTM (i, f, g, o)"],
    ["GRU", "GRU (r, z, n)"],
  ],
  value: "LSTM",
  id: "kind",
});
const which = select(controls, {
  label: "series",
  options: SHIPPED_SERIES.filter((s) => s.step === "month").map((s) => [s.id, s.label] as const),
  value: "airline",
  id: "series",
  onChange: () => void loadShippedSeries(),
});
button(controls, "⟲ train again", retrain, "restart");
csvInput(controls, byId("error"), (name, text) => use(seriesOf(readCsv(text), name)));

let series: LoadedSeries;
let values: number[] = [];
let snap: GateSnapshot | undefined;
let generation = 0;
const gatesView = tl.report.gatesTimelineView(byId("gates"), {
  title: "gates over time (hidden units down, time step across from 0)",
  cellWidth: 5,
  cellHeight: 12,
});
const fitDiv = document.createElement("div"),
  lossDiv = document.createElement("div");
byId("fit").append(fitDiv, lossDiv);

async function loadShippedSeries(): Promise<void> {
  const loaded = await loadShipped(SHIPPED_SERIES.find((s) => s.id === which.value)!);
  guarded(byId("error"), () => use(loaded));
}

function use(s: LoadedSeries): void {
  series = s;
  // at most MAX_STEPS values (the most recent), so an epoch stays a few milliseconds
  values = standardize(s.values.slice(-MAX_STEPS)).values;
  step.input.max = String(values.length - 1);
  train();
}

/** One step's equation, unit by unit, from the latest snapshot. */
function drawStep(): void {
  if (!snap) return;
  const t = Math.min(step.value, snap.h.length) - 1;
  const gl = snap.timeline as unknown as Record<string, number[][]>;
  const units = snap.h[t]!.map((h, j) => {
    if (snap!.timeline.kind === "LSTM") {
      const cPrev = t > 0 ? snap!.c![t - 1]![j]! : 0;
      return `unit ${j + 1}: C = ${num(gl.f![t]![j]!)}·${term(cPrev)} + ${num(gl.i![t]![j]!)}·${term(gl.g![t]![j]!)} = ${num(snap!.c![t]![j]!)};  H = ${num(gl.o![t]![j]!)}·tanh(${num(snap!.c![t]![j]!)}) = ${num(h)}`;
    }
    const hPrev = t > 0 ? snap!.h[t - 1]![j]! : 0;
    const z = gl.z![t]![j]!;
    return `unit ${j + 1}: H = (1 − ${num(z)})·${term(gl.n![t]![j]!)} + ${num(z)}·${term(hPrev)} = ${num(h)}   (r = ${num(gl.r![t]![j]!)})`;
  });
  const label = series.labels.slice(-values.length)[t] ?? String(t + 1);
  show(
    byId("gate-step"),
    `t = ${t + 1} (input X_t = ${label}), weights after epoch ${snap.epoch}:\n${units.join("\n")}\nprediction of the next value: ${num(snap.predictions[t]!)}, actual ${num(values[t + 1]!)} (standardized)`,
  );
}

function drawSnapshot(trainer: GateTrainer, losses: number[]): void {
  snap = trainer.snapshot();
  gatesView.update(snap.timeline);
  const t = values.slice(1).map((_, i) => i + 2);
  fitDiv.innerHTML = tl.report.lineChart(
    [
      { name: "actual", x: t, y: values.slice(1) },
      { name: `${trainer.kind} one step ahead`, x: t, y: snap.predictions, dash: "5 3" },
    ],
    { title: `one step ahead (standardized), epoch ${snap.epoch}`, xLabel: series.step, width: 520, height: 250, legend: "bottom" },
  );
  lossDiv.innerHTML = tl.report.lineChart([{ name: "MSE", y: losses }], {
    title: "training loss",
    xLabel: "epoch",
    logY: true,
    width: 360,
    height: 250,
    legend: "bottom",
  });
  drawStep();
}

/** Start training a new model (throws what the library refuses; callers show it with guarded); the epochs run in frames. */
function train(): void {
  const mine = ++generation;
  void run(new GateTrainer(values, kind.value, hidden.value, 1), mine);
}

async function run(trainer: GateTrainer, mine: number): Promise<void> {
  const losses: number[] = [];
  show(byId("train-status"), `${trainer.kind}, ${hidden.value} hidden units: starting`);
  await nextFrame(); // the page takes input before the first forward pass
  if (mine !== generation) return;
  drawSnapshot(trainer, losses);
  while (trainer.epoch < EPOCHS) {
    for (let e = 0; e < EPOCHS_PER_FRAME; e++) losses.push(trainer.train());
    if (trainer.epoch % SNAPSHOT_EVERY === 0 || trainer.epoch >= EPOCHS) drawSnapshot(trainer, losses);
    show(
      byId("train-status"),
      `${trainer.kind}, ${hidden.value} hidden units: epoch ${trainer.epoch} of ${EPOCHS}, MSE ${num(losses.at(-1)!)}${trainer.epoch >= EPOCHS ? " (done)" : ""}`,
    );
    await nextFrame();
    if (mine !== generation) return;
  }
}

await startPage(loadShippedSeries);
