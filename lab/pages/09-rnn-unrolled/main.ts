// Page 9: an RNN unrolled. The step slider and player reveal H_1..H_t of the run unroll.ts made;
// the hidden size and seed sliders rebuild the nn.RNN.
import * as tl from "../../../src/index.js";
import { num, term } from "../../shared/format.js";
import { grid, show } from "../../shared/grid.js";
import { guarded, player, range, startPage } from "../../shared/ui.js";
import { standardize } from "../../shared/seqModels.js";
import { loadShipped, SHIPPED_SERIES } from "../../shared/seqPage.js";
import { stepTerms, unrollRnn, type Unrolled } from "./unroll.js";

const $ = (id: string): HTMLElement => document.getElementById(id)!;
const STEPS = 18;
const controls = $("controls");
const stepT = range(controls, { label: "time step t", min: 1, max: STEPS, value: 1, id: "t", onInput: () => draw(stepT.value - 1) });
const hidden = range(controls, { label: "hidden units", min: 1, max: 6, value: 4, id: "hidden", onInput: () => rebuild() });
const seed = range(controls, { label: "seed", min: 1, max: 9, value: 1, id: "seed", onInput: () => rebuild() });
const play = player($("player"), { count: () => STEPS, show: (i) => draw(i), intervalMs: 600 });

let x: number[] = [];
let labels: string[] = [];
let run: Unrolled;

function rebuild(): void {
  guarded($("error"), () => {
    run = unrollRnn(x, hidden.value, seed.value);
    draw(stepT.value - 1);
  });
}

function draw(t: number): void {
  play.position = t;
  stepT.value = t + 1;
  const H = run.bias.length;
  show($("inputs"), grid([x], {
    id: "inputs-grid",
    caption: `X_t: ${labels[0]} … ${labels[STEPS - 1]}, standardized (current step t = ${t + 1}, ${labels[t]})`,
    cellClass: (_, j) => (j === t ? "cur" : j < t ? "done" : ""),
  }));
  const seen = Array.from({ length: H }, (_, j) => run.states.slice(0, t + 1).map((h) => h[j]!));
  $("h-map").innerHTML = tl.report.heatmap(seen, {
    title: `H_1 … H_${t + 1} (one column per step)`, colormap: "diverging", domain: [-1, 1], annotate: true, cell: 38,
    rowLabels: Array.from({ length: H }, (_, j) => `unit ${j + 1}`), colLabels: seen[0]!.map((_, k) => String(k + 1)),
    xLabel: "time step t", colorBarLabel: "H_t",
  });
  const s = stepTerms(run, t);
  const lines = s.h.map((h, j) => `H_${t + 1}[${j + 1}] = tanh(${term(x[t]!)}·${term(run.wXh[j]!)} + ${term(s.memory[j]!)} + ${term(s.bias[j]!)}) = tanh(${num(s.input[j]! + s.memory[j]! + s.bias[j]!)}) = ${num(h)}`);
  show($("step-formula"), `X_t W_xh + H_{t−1} W_hh + b, per unit (X_${t + 1} = ${num(x[t]!)}):\n${lines.join("\n")}\nnn.RNN's own output at t = ${t + 1}: [${run.output[t]!.map(num).join(", ")}]`);
}

await startPage(async () => {
  const airline = await loadShipped(SHIPPED_SERIES[0]!);
  x = standardize(airline.values.slice(0, STEPS)).values;
  labels = airline.labels.slice(0, STEPS);
  rebuild();
});
