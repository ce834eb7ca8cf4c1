// Page 10: BPTT gradient flow. Three GradientFlow runs (RNN, LSTM, GRU) train in turns, one step
// per task, each adding a row of ||dL/dH_t|| to its log-scale heatmap (tl.report.heatmapView).
// Any control restarts all three.
import * as tl from "../../../src/index.js";
import { num } from "../../shared/format.js";
import { show } from "../../shared/grid.js";
import { button, byId, controlBar, guarded, startPage } from "../../shared/ui.js";
import { RECURRENT_KINDS, standardize, type RecurrentKind } from "../../shared/seqModels.js";
import { loadShipped, nextFrame, SHIPPED_SERIES } from "../../shared/seqPage.js";
import { GradientFlow, type FlowRow } from "./gradientFlow.js";

const TRAIN_STEPS = 40,
  HIDDEN = 12,
  CLIP = 1;
const NORM_DOMAIN: [number, number] = [1e-8, 10];
/** A loss above this (or NaN) means SGD has diverged: that model stops, and the page says so. */
const DIVERGED = 1e6;
/** num() for values that may overflow: exponent form from a million up, Infinity and NaN as such. */
const big = (v: number): string => (Number.isFinite(v) && Math.abs(v) < 1e6 ? num(v) : v.toExponential(3));
const controls = byId("controls");
const restart = (): void => void train();
const ui = controlBar(restart, controls);
const windowT = ui.range({ label: "window T", min: 4, max: 36, step: 4, value: 24, id: "window" });
const lr = ui.range({ label: "learning rate", min: 0.05, max: 1, step: 0.05, value: 0.5, id: "lr" });
const clip = ui.checkbox({ label: `clip gradient norm to ${CLIP}`, checked: false, id: "clip" });
button(controls, "⟲ train again", restart, "restart");

let series: number[] = [];
let generation = 0;
const latest: Partial<Record<RecurrentKind, FlowRow & { clippedSteps: number; diverged: boolean }>> = {};

function summary(running: boolean): void {
  const lines = RECURRENT_KINDS.map((k) => {
    const r = latest[k];
    if (!r) return `${k.padEnd(4)}  (not started)`;
    const T = r.norms.length;
    const ratio = r.norms[0]! / r.norms[T - 1]!;
    // the ratio as a product of T - 1 equal per-step factors q: the geometric mean of the Jacobians' shrinking
    const q = T > 1 ? ratio ** (1 / (T - 1)) : 1;
    const flow = ratio > 0 && Number.isFinite(ratio) ? `= ${big(ratio)} = q^${T - 1}, q = ${num(q)} per step` : "(overflowed: no ratio)";
    return (
      `${k.padEnd(4)}  step ${r.step + 1}: loss ${big(r.loss)}, ‖∂L/∂H_1‖ / ‖∂L/∂H_${T}‖ = ${big(r.norms[0]!)} / ${big(r.norms[T - 1]!)} ${flow}; ‖∇θ‖ = ${big(r.gradNorm)}` +
      (clip.checked ? ` (clipped at ${r.clippedSteps} of ${r.step + 1} steps)` : "") +
      (r.diverged ? `; diverged (loss above ${big(DIVERGED)}), stopped` : "")
    );
  });
  show(
    byId("flow-summary"),
    `T = ${windowT.value}, SGD lr ${lr.value}, clipping ${clip.checked ? `on (max norm ${CLIP})` : "off"}${running ? ", training…" : `, ${TRAIN_STEPS} steps done`}\n${lines.join("\n")}`,
  );
}

async function train(): Promise<void> {
  const mine = ++generation;
  const T = windowT.value;
  let flows: GradientFlow[] = [];
  const ok = guarded(byId("error"), () => {
    flows = RECURRENT_KINDS.map(
      (kind) => new GradientFlow(series, { kind, T, hidden: HIDDEN, lr: lr.value, clip: clip.checked ? CLIP : null, seed: 1 }),
    );
  });
  if (!ok) return;
  for (const k of RECURRENT_KINDS) delete latest[k];
  const maps = RECURRENT_KINDS.map(() => document.createElement("div"));
  byId("maps").replaceChildren(...maps);
  const views = RECURRENT_KINDS.map((kind, i) =>
    tl.report.heatmapView(maps[i]!, {
      // one fixed domain for the three models, so that equal colours mean equal norms across them
      title: `${kind}: ‖∂L/∂H_t‖`,
      scale: "log",
      domain: NORM_DOMAIN,
      width: 300,
      height: 200,
      xLabel: "time step t",
      yLabel: "training step",
      colLabels: Array.from({ length: T }, (_, t) => String(t + 1)),
      colorBarLabel: "‖∂L/∂H_t‖",
    }),
  );
  const chart = document.createElement("div");
  byId("loss-chart").replaceChildren(chart);
  const losses = tl.report.lineChartView(chart, {
    title: "training loss (MSE, standardized)",
    xLabel: "training step",
    logY: true,
    width: 520,
    height: 240,
    legend: "bottom",
  });
  summary(true);
  await nextFrame(); // the page is drawn and takes input before the first (slowest) step
  for (let step = 0; step < TRAIN_STEPS; step++) {
    for (let i = 0; i < flows.length; i++) {
      if (mine !== generation) return; // a control restarted training
      const kind = RECURRENT_KINDS[i]!;
      if (latest[kind]?.diverged) continue;
      const row = flows[i]!.next();
      latest[kind] = { ...row, clippedSteps: (latest[kind]?.clippedSteps ?? 0) + (row.clipped ? 1 : 0), diverged: !(row.loss < DIVERGED) };
      views[i]!.appendRow(row.norms);
      if (row.loss < DIVERGED) losses.append({ [kind]: row.loss }, step + 1);
      await nextFrame();
    }
    summary(step + 1 < TRAIN_STEPS);
  }
}

await startPage(async () => {
  series = standardize((await loadShipped(SHIPPED_SERIES[0]!)).values).values;
  void train();
});
