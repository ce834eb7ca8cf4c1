// Page 9: an RNN unrolled. The step slider and player reveal H_1..H_t of the run unroll.ts made;
// the hidden size and seed sliders rebuild the nn.RNN.
import * as tl from "../../../src/index.js";
import { num, term } from "../../shared/format.js";
import { grid, show } from "../../shared/grid.js";
import { byId, controlBar, guarded, player, range, startPage } from "../../shared/ui.js";
import { standardize } from "../../shared/seqModels.js";
import { loadShipped, SHIPPED_SERIES } from "../../shared/seqPage.js";
import { stepTerms, unrollRnn, type Unrolled } from "./unroll.js";

const STEPS = 18;
const controls = byId("controls");
const stepT = range(controls, { label: "time step t", min: 1, max: STEPS, value: 1, id: "t", onInput: () => draw(stepT.value - 1) });
const ui = controlBar(() => rebuild(), controls);
const hidden = ui.range({ label: "hidden units", min: 1, max: 6, value: 4, id: "hidden" });
const seed = ui.range({ label: "seed", min: 1, max: 9, value: 1, id: "seed" });
const play = player(byId("player"), { count: () => STEPS, show: (i) => draw(i), intervalMs: 600 });

let x: number[] = [];
let labels: string[] = [];
let run: Unrolled;

function rebuild(): void {
  guarded(byId("error"), () => {
    run = unrollRnn(x, hidden.value, seed.value);
    draw(stepT.value - 1);
  });
}

/** The last few cells of the unrolled chain up to step t (0-based) as SVG: X_k in, H_{k-1} -> cell -> H_k. */
function chain(t: number): string {
  const first = Math.max(0, t - 3),
    w = 118,
    left = 54,
    W = left + 4 * w + 70,
    H = 132; // room for 4 cells from the start
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="chain-svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5b6470"/></marker></defs>`,
    `<text x="${left}" y="14" fill="#5b6470">the same W_xh, W_hh, b in every cell</text>`,
  ];
  const line = (x1: number, y1: number, x2: number, y2: number): string =>
    `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#5b6470" stroke-width="1.5" marker-end="url(#arrow)"/>`;
  out.push(
    `<text x="${left - 8}" y="60" text-anchor="end">${first === 0 ? "H_0 = 0" : `H_${first}`}</text>`,
    line(left - 4, 56, left + 26, 56),
  );
  for (let k = first; k <= t; k++) {
    const cx = left + 28 + (k - first) * w,
      now = k === t;
    out.push(
      `<rect x="${cx}" y="36" width="56" height="40" rx="6" fill="${now ? "#dbe9ff" : "white"}" stroke="${now ? "#1f6feb" : "#5b6470"}" stroke-width="${now ? 2 : 1}"/>`,
      `<text x="${cx + 28}" y="60" text-anchor="middle">tanh</text>`,
      line(cx + 28, 112, cx + 28, 78),
      `<text x="${cx + 28}" y="126" text-anchor="middle">X_${k + 1} = ${num(x[k]!)}</text>`,
      line(cx + 56, 56, cx + w - 2, 56),
      `<text x="${cx + 56 + (w - 58) / 2}" y="50" text-anchor="middle">H_${k + 1}</text>`,
    );
  }
  out.push("</svg>");
  return out.join("");
}

function draw(t: number): void {
  play.position = t;
  byId("chain").innerHTML = chain(t);
  stepT.value = t + 1;
  const H = run.bias.length;
  show(
    byId("inputs"),
    grid([x], {
      id: "inputs-grid",
      caption: `X_t: ${labels[0]} … ${labels[STEPS - 1]}, standardized (current step t = ${t + 1}, ${labels[t]})`,
      cellClass: (_, j) => (j === t ? "cur" : j < t ? "done" : ""),
    }),
  );
  const seen = Array.from({ length: H }, (_, j) => run.states.slice(0, t + 1).map((h) => h[j]!));
  byId("h-map").innerHTML = tl.report.heatmap(seen, {
    title: "H_t, one column per step",
    colormap: "diverging",
    domain: [-1, 1],
    annotate: true,
    cell: 38,
    rowLabels: Array.from({ length: H }, (_, j) => `unit ${j + 1}`),
    colLabels: seen[0]!.map((_, k) => String(k + 1)),
    xLabel: "time step t",
    colorBarLabel: "H_t",
  });
  const s = stepTerms(run, t);
  const lines = s.h.map(
    (h, j) =>
      `H_${t + 1}[${j + 1}] = tanh(${term(x[t]!)}·${term(run.wXh[j]!)} + ${term(s.memory[j]!)} + ${term(s.bias[j]!)}) = tanh(${num(s.input[j]! + s.memory[j]! + s.bias[j]!)}) = ${num(h)}`,
  );
  show(
    byId("step-formula"),
    `X_t W_xh + H_{t−1} W_hh + b, per unit (X_${t + 1} = ${num(x[t]!)}):\n${lines.join("\n")}\nnn.RNN's own output at t = ${t + 1}: [${run.output[t]!.map(num).join(", ")}]`,
  );
}

await startPage(async () => {
  const airline = await loadShipped(SHIPPED_SERIES[0]!);
  x = standardize(airline.values.slice(0, STEPS)).values;
  labels = airline.labels.slice(0, STEPS);
  rebuild();
});
