// Page 10: BPTT gradient flow. Three GradientFlow runs (RNN, LSTM, GRU) train in turns, one step
// per task, each adding a row of ||dL/dH_t|| to its log-scale heatmap (tl.report.heatmapView).
// Any control restarts all three.
import * as tl from "../../../src/index.js";
import { num } from "../../shared/format.js";
import { show } from "../../shared/grid.js";
import { button, checkbox, guarded, range, startPage } from "../../shared/ui.js";
import { RECURRENT_KINDS, standardize, type RecurrentKind } from "../../shared/seqModels.js";
import { loadShipped, nextFrame, SHIPPED_SERIES } from "../../shared/seqPage.js";
import { GradientFlow, type FlowRow } from "./gradientFlow.js";

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const TRAIN_STEPS = 40, HIDDEN = 12, CLIP = 1;
const NORM_DOMAIN: [number, number] = [1e-8, 10];
const controls = $("controls");
const restart = (): void => void train();
const windowT = range(controls, { label: "window T", min: 4, max: 36, step: 4, value: 24, id: "window", onInput: restart });
const lr = range(controls, { label: "learning rate", min: 0.05, max: 1, step: 0.05, value: 0.5, id: "lr", onInput: restart });
const clip = checkbox(controls, { label: `clip gradient norm to ${CLIP}`, checked: false, id: "clip", onChange: restart });
button(controls, "⟲ train again", restart, "restart");

let series: number[] = [];
let generation = 0;
const latest: Partial<Record<RecurrentKind, FlowRow & { clippedSteps: number }>> = {};

function summary(running: boolean): void {
  const lines = RECURRENT_KINDS.map((k) => {
    const r = latest[k];
    if (!r) return `${k.padEnd(4)}  (not started)`;
    const T = r.norms.length;
    const ratio = r.norms[0]! / r.norms[T - 1]!;
    return `${k.padEnd(4)}  step ${r.step + 1}: loss ${num(r.loss)}, ‖∂L/∂H_1‖ = ${num(r.norms[0]!)}, ‖∂L/∂H_${T}‖ = ${num(r.norms[T - 1]!)}, ratio ${num(ratio)}; ‖∇θ‖ = ${num(r.gradNorm)}` +
      (clip.checked ? ` (clipped at ${r.clippedSteps} of ${r.step + 1} steps)` : "");
  });
  show($("flow-summary"), `T = ${windowT.value}, SGD lr ${lr.value}, clipping ${clip.checked ? `on (max norm ${CLIP})` : "off"}${running ? ", training…" : `, ${TRAIN_STEPS} steps done`}\n${lines.join("\n")}`);
}

async function train(): Promise<void> {
  const mine = ++generation;
  const T = windowT.value;
  let flows: GradientFlow[] = [];
  const ok = guarded($("error"), () => {
    flows = RECURRENT_KINDS.map((kind) => new GradientFlow(series, { kind, T, hidden: HIDDEN, lr: lr.value, clip: clip.checked ? CLIP : null, seed: 1 }));
  });
  if (!ok) return;
  for (const k of RECURRENT_KINDS) delete latest[k];
  const maps = RECURRENT_KINDS.map(() => document.createElement("div"));
  $("maps").replaceChildren(...maps);
  const views = RECURRENT_KINDS.map((kind, i) => tl.report.heatmapView(maps[i]!, {
    // one fixed domain for the three models, so that equal colours mean equal norms across them
    title: `${kind}: ‖∂L/∂H_t‖`, scale: "log", domain: NORM_DOMAIN, width: 300, height: 200, xLabel: "time step t", yLabel: "training step",
    colLabels: Array.from({ length: T }, (_, t) => String(t + 1)), colorBarLabel: "‖∂L/∂H_t‖",
  }));
  const chart = document.createElement("div");
  $("loss-chart").replaceChildren(chart);
  const losses = tl.report.lineChartView(chart, { title: "training loss (MSE, standardized)", xLabel: "training step", logY: true, width: 520, height: 240, legend: "bottom" });
  summary(true);
  await nextFrame(); // the page is drawn and takes input before the first (slowest) step
  for (let step = 0; step < TRAIN_STEPS; step++) {
    for (let i = 0; i < flows.length; i++) {
      if (mine !== generation) return; // a control restarted training
      const kind = RECURRENT_KINDS[i]!;
      const row = flows[i]!.next();
      latest[kind] = { ...row, clippedSteps: (latest[kind]?.clippedSteps ?? 0) + (row.clipped ? 1 : 0) };
      views[i]!.appendRow(row.norms);
      if (Number.isFinite(row.loss)) losses.append({ [kind]: row.loss }, step + 1);
      await nextFrame();
    }
    summary(step + 1 < TRAIN_STEPS);
  }
}

await startPage(async () => {
  series = standardize((await loadShipped(SHIPPED_SERIES[0]!)).values).values;
  void train();
});
