// LSTM / GRU gates over time as an SVG string: one strip per gate (hidden units down, time steps
// across), on fixed scales so frames of a live view compare: the sigmoid gates (i, f, o; r, z) on
// [0, 1], the tanh candidates (g; n) on [-1, 1] with a diverging colormap. The data come from the
// layers' onStep callback (StepInfo.gates), gathered by gatesFromSteps.

import type { StepInfo } from "../nn/rnn.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { colorBar, COLOR_BAR_WIDTH, type ColorScale } from "./color.js";
import { checkLabels, checkMatrix, labelStep, matrixCells } from "./heatmap.js";
import { RASTER_CELLS } from "./raster.js";
import { emptyChart, esc, svgOpen, svgTitle } from "./svg.js";

/** The gates of each LSTM or GRU kind, in PyTorch's order (the blocks of torch.nn.LSTM's / GRU's weight_ih_l0). */
export const GATE_NAMES = { LSTM: ["i", "f", "g", "o"], GRU: ["r", "z", "n"] } as const;

/**
 * Gate activations over time of one sequence: for each gate, [time step][hidden unit]
 * (LSTM i, f, g, o; GRU r, z, n). No PyTorch counterpart (torch.nn.LSTM hides its gates).
 */
export type GateTimeline =
  | { kind: "LSTM"; i: number[][]; f: number[][]; g: number[][]; o: number[][] }
  | { kind: "GRU"; r: number[][]; z: number[][]; n: number[][] };

/** Options of gatesTimeline: title, time-step labels, cell size. No PyTorch counterpart. */
export interface GatesTimelineOptions {
  title: string;
  /** One label per time step (default 0, 1, ...). */
  timeLabels?: readonly string[];
  /** Cell width (per time step) and height (per hidden unit) in px; default 14 x 10, smaller for long sequences or many units. */
  cellWidth?: number;
  cellHeight?: number;
}

const SIGMOID: ColorScale = { kind: "linear", lo: 0, hi: 1, colormap: "blues" };
const TANH: ColorScale = { kind: "linear", lo: -1, hi: 1, colormap: "diverging" };
const isCandidate = (gate: string): boolean => gate === "g" || gate === "n";

/** Checks a timeline's kind and that its gates are [T][H] matrices of one shape; returns [T, H] (T = 0: nothing yet). */
export function checkTimeline(op: string, data: GateTimeline): [number, number] {
  const names = (GATE_NAMES as Record<string, readonly string[]>)[data?.kind];
  if (!names) throw new ValueError(`${op}: kind must be "LSTM" or "GRU", got ${JSON.stringify(data?.kind)}.`);
  const gates = data as unknown as Record<string, number[][]>;
  if (names.every((g) => Array.isArray(gates[g]) && gates[g]!.length === 0)) return [0, 0];
  const [T, H] = checkMatrix(`${op}: gate ${names[0]}`, gates[names[0]!]);
  for (const g of names.slice(1)) {
    const [t, h] = checkMatrix(`${op}: gate ${g}`, gates[g]);
    if (t !== T || h !== H)
      throw new ShapeError(
        `${op}: gate ${g} is [${t}, ${h}] (time steps, hidden units) but gate ${names[0]} is [${T}, ${H}]; every gate needs one row per time step and one value per hidden unit.`,
      );
  }
  return [T, H];
}

/**
 * LSTM (i, f, g, o) or GRU (r, z, n) gate activations per time step as an SVG string: one strip per
 * gate, hidden units down and time steps across, sigmoid gates on [0, 1] (white to blue), the tanh
 * candidate on [-1, 1] (blue to red), with both colour bars. No PyTorch counterpart (LSTMVis-like).
 */
export function gatesTimeline(data: GateTimeline, opts: GatesTimelineOptions): string {
  const [T, H] = checkTimeline("gatesTimeline", data);
  if (T === 0) return emptyChart(opts.title, 360, 120, "no time steps yet");
  checkLabels("gatesTimeline", "timeLabels", opts.timeLabels, T, "time steps");
  const names = GATE_NAMES[data.kind],
    gates = data as unknown as Record<string, number[][]>;
  // long sequences and many units shrink the cells (to 3 px) so the chart stays about 640 x 320
  const cw = opts.cellWidth ?? Math.max(3, Math.min(14, Math.floor(640 / T))),
    ch = opts.cellHeight ?? Math.max(3, Math.min(10, Math.floor(320 / (names.length * H))));
  const left = 60,
    top = 30,
    stripH = H * ch,
    gap = 18,
    pw = T * cw;
  const plotH = names.length * (stripH + gap),
    raster = names.length * T * H > RASTER_CELLS;
  const W = left + pw + 16 + 2 * COLOR_BAR_WIDTH,
    H0 = top + Math.max(plotH, 120) + 30;
  const out = [svgOpen(W, H0, 11), svgTitle(opts.title, left + pw / 2)];
  names.forEach((g, k) => {
    const y0 = top + k * (stripH + gap);
    // stored [time][unit]; drawn units down, time across
    const unitsByTime = Array.from({ length: H }, (_, u) => gates[g]!.map((step) => step[u]!));
    out.push(
      `<g class="gate" data-gate="${g}">`,
      matrixCells(unitsByTime, isCandidate(g) ? TANH : SIGMOID, left, y0, cw, ch, { raster }),
      "</g>",
    );
    out.push(`<text x="${left - 8}" y="${y0 + stripH / 2 + 4}" text-anchor="end" font-weight="bold">${g}</text>`);
  });
  const step = labelStep(cw, 24),
    labels = opts.timeLabels ?? Array.from({ length: T }, (_, t) => String(t));
  labels.forEach((l, t) => {
    if (t % step === 0) out.push(`<text x="${left + t * cw + cw / 2}" y="${top + plotH + 4}" text-anchor="middle">${esc(l)}</text>`);
  });
  out.push(`<text x="${left + pw / 2}" y="${top + plotH + 22}" text-anchor="middle">time step</text>`);
  const barH = Math.max(Math.min(plotH - gap - 20, 160), 80);
  out.push(
    colorBar(SIGMOID, left + pw + 16, top, barH, "sigmoid gates"),
    colorBar(TANH, left + pw + 16 + COLOR_BAR_WIDTH, top, barH, data.kind === "LSTM" ? "g (tanh)" : "n (tanh)"),
  );
  out.push("</svg>");
  return out.join("\n");
}

/** Options of gatesFromSteps: which batch element, layer and direction to keep (PyTorch's l0, l0_reverse naming of layers and directions). */
export interface GateStepFilter {
  /** Batch element (default 0). */
  batch?: number;
  layer?: number;
  direction?: 0 | 1;
}

/** One step's gates as plain numbers: each gate's [hidden] activations of one batch element. */
export function stepGateValues(s: StepInfo, batch = 0): { kind: "LSTM" | "GRU"; values: Record<string, number[]> } {
  const gates = s.gates;
  if (!gates)
    throw new ValueError(`gatesFromSteps: step t=${s.t} of layer ${s.layer} has no gates; only LSTM and GRU steps do (an RNN has none).`);
  const B = s.h.shape[0]!;
  if (!(Number.isInteger(batch) && batch >= 0 && batch < B))
    throw new ValueError(`gatesFromSteps: batch ${batch} is outside [0, ${B - 1}] (the step's batch has ${B} sequences).`);
  const values: Record<string, number[]> = {};
  for (const g of GATE_NAMES[gates.kind])
    values[g] = ((gates as unknown as Record<string, { toArray(): unknown }>)[g]!.toArray() as number[][])[batch]!;
  return { kind: gates.kind, values };
}

/**
 * The gates of the steps an LSTM or GRU reported through onStep, as a GateTimeline of one batch
 * element, layer and direction, in time order. Read them before an optimizer step changes the weights.
 * @example ((steps) => (new tl.nn.GRU(1, 2).forward(tl.ones([3, 1, 1]), null, { onStep: (s) => steps.push(s) }), tl.report.gatesFromSteps(steps).r.length))([]) // => 3
 */
export function gatesFromSteps(steps: readonly StepInfo[], filter: GateStepFilter = {}): GateTimeline {
  const { layer = 0, direction = 0, batch = 0 } = filter;
  const kept = steps.filter((s) => s.layer === layer && s.direction === direction).sort((a, b) => a.t - b.t);
  if (kept.length === 0)
    throw new ValueError(
      `gatesFromSteps: no steps of layer ${layer}, direction ${direction} among ${steps.length}. Pass the StepInfo objects the forward's onStep received.`,
    );
  const twice = kept.find((s, k) => k > 0 && kept[k - 1]!.t === s.t);
  if (twice)
    throw new ValueError(
      `gatesFromSteps: time step ${twice.t} of layer ${layer}, direction ${direction} appears more than once: the steps come from several forward calls. Pass the steps of one forward.`,
    );
  const per = kept.map((s) => stepGateValues(s, batch));
  const kind = per[0]!.kind;
  const out: Record<string, unknown> = { kind };
  for (const g of GATE_NAMES[kind]) out[g] = per.map((p) => p.values[g]!);
  return out as GateTimeline;
}
