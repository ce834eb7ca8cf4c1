// Live views: each chart of src/report mounted in a page element, fed as training runs, redrawn
// at most once per animation frame however often data arrive. A view keeps the data and re-renders
// the same SVG string its pure function gives report.html (so a page and the report never
// disagree); a whole SVG string per frame is cheap at these sizes and needs no diffing.
// Nothing here touches the DOM until a view is mounted: Node imports it and tests it with a
// plain { innerHTML } object.

import type { StepInfo } from "../nn/rnn.js";
import { ShapeError, ValueError } from "../tensor/errors.js";
import { checkCounts, confusionMatrixChart, type ConfusionMatrixOptions } from "./confusionMatrix.js";
import {
  checkTimeline,
  GATE_NAMES,
  gatesTimeline,
  stepGateValues,
  type GateStepFilter,
  type GatesTimelineOptions,
  type GateTimeline,
} from "./gatesTimeline.js";
import { checkHatched, checkMatrix, heatmapOrEmpty, type HeatmapOptions, type Labels, type Matrix } from "./heatmap.js";
import { checkImages, imageGrid, type ImageGridOptions } from "./imageGrid.js";
import { checkSeries, lineChart, type LineChartOptions, type Series } from "./lineChart.js";
import { emptyChart } from "./svg.js";

/** Where a view draws: a DOM element (a <div>, say), or anything with an innerHTML to set (tfjs-vis' drawArea). */
export interface ViewTarget {
  innerHTML: string;
}

/** What every live view has: draw now, stop drawing, and how many times it has drawn. No PyTorch counterpart (TensorBoard and tfjs-vis draw for you). */
export interface LiveView {
  /** Draw the pending change now instead of at the next animation frame (the last frame of a run, a test). */
  flush(): void;
  /** Stop: cancel a pending redraw and ignore later data. The last drawing stays. */
  destroy(): void;
  /** How many times the view has drawn (one per animation frame with a change, at most). */
  readonly renders: number;
}

type Frame = (draw: () => void) => () => void;

/** requestAnimationFrame where there is one (pages), else a 16 ms timer (Node, workers): returns a cancel. */
const nextFrame: Frame = (draw) => {
  const g = globalThis as { requestAnimationFrame?: (f: () => void) => number; cancelAnimationFrame?: (id: number) => void };
  if (typeof g.requestAnimationFrame === "function") {
    const id = g.requestAnimationFrame(draw);
    return () => g.cancelAnimationFrame?.(id);
  }
  const id = setTimeout(draw, 16);
  return () => clearTimeout(id);
};

/** Redraws `target` from `render` on the next frame after a change; every view is built on it. */
function liveView(op: string, target: ViewTarget, render: () => string): LiveView & { changed(): void; live(): void } {
  if (!target || typeof target !== "object" || !("innerHTML" in target))
    throw new ValueError(
      `${op}: the target must be a DOM element (or an object with innerHTML), got ${target === null ? "null" : typeof target}. Pass document.getElementById(...) or a <div>.`,
    );
  let cancel: (() => void) | null = null,
    destroyed = false,
    renders = 0;
  const draw = (): void => {
    cancel = null;
    let svg: string;
    try {
      svg = render();
    } catch (e) {
      // data are checked when they arrive, so this is a bug; show it rather than throw inside a frame
      svg = emptyChart(op, 480, 120, (e as Error).message.slice(0, 120));
      console.error(e);
    }
    target.innerHTML = svg;
    renders++;
  };
  return {
    changed() {
      if (!destroyed && !cancel) cancel = nextFrame(draw);
    },
    live() {
      if (destroyed) throw new ValueError(`${op}: this view was destroyed; mount a new one.`);
    },
    flush() {
      if (!cancel) return;
      cancel();
      draw();
    },
    destroy() {
      cancel?.();
      cancel = null;
      destroyed = true;
    },
    get renders() {
      return renders;
    },
  };
}

/** A finite number or NaN (a gap the chart skips); `op` and `what` name it in errors. */
function checkValue(op: string, what: string, v: unknown): number {
  if (typeof v !== "number") throw new ValueError(`${op}: ${what} must be a number, got ${v === null ? "null" : typeof v} ${String(v)}.`);
  return v;
}

// ---------------------------------------------------------------- line chart

/** Options of lineChartView: lineChart's options, plus styles for named series and a window of recent points (tfjs-vis linechart's seriesColors, a rolling window). */
export interface LineChartViewOptions extends LineChartOptions {
  /** Series to show from the start, in legend order, with their colour or dash (others appear as data name them). */
  series?: readonly Pick<Series, "name" | "color" | "dash">[];
  /** Keep only the last `maxPoints` points of each series (default: all; long series are decimated when drawn). */
  maxPoints?: number;
}

/** A live lineChart: append points as training runs (TensorBoard's add_scalar, drawn in the page). */
export interface LineChartView extends LiveView {
  /**
   * One new point per named series, e.g. `append({ "train loss": 0.31, "val loss": 0.35 }, epoch)`.
   * `x` defaults to the series' next index (1, 2, ...). NaN leaves a gap.
   */
  append(values: Readonly<Record<string, number>>, x?: number): void;
  /** Replace all data (the series as lineChart takes them). */
  update(series: readonly Series[]): void;
  /** A copy of the series drawn (for a report.html of the same run). */
  series(): Series[];
}

/**
 * A streaming line chart mounted in `target` (several series, log-y option); redraws at most once
 * per animation frame. Plays the role of TensorBoard's scalar chart and tfjs-vis' linechart.
 * @example ((v) => (v.append({ train: 0.5 }), v.destroy(), v.series()[0].y))(tl.report.lineChartView({ innerHTML: "" }, { title: "loss", logY: true })) // => 0.5
 */
export function lineChartView(target: ViewTarget, opts: LineChartViewOptions): LineChartView {
  const op = "lineChartView";
  type Data = { name: string; x: number[]; y: number[]; color?: string; dash?: string };
  let data: Data[] = (opts.series ?? []).map((s) => ({ ...s, x: [], y: [] }));
  const max = opts.maxPoints;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1))
    throw new ValueError(`${op}: maxPoints must be an integer >= 1, got ${max}.`);
  const view = liveView(op, target, () => lineChart(data, opts));
  view.changed();
  return Object.assign(view, {
    append(values: Readonly<Record<string, number>>, x?: number) {
      view.live();
      if (!values || typeof values !== "object")
        throw new ValueError(`${op}: append takes an object of series name -> number, e.g. { "train loss": 0.3 }, got ${typeof values}.`);
      if (x !== undefined && !Number.isFinite(checkValue(op, "x", x))) throw new ValueError(`${op}: x must be finite, got ${x}.`);
      for (const [name, y] of Object.entries(values)) {
        checkValue(op, `the value of "${name}"`, y);
        let s = data.find((d) => d.name === name);
        if (!s) data.push((s = { name, x: [], y: [] }));
        s.x.push(x ?? (s.x.at(-1) ?? 0) + 1);
        s.y.push(y);
        if (max !== undefined && s.y.length > max) {
          s.x.splice(0, s.y.length - max);
          s.y.splice(0, s.y.length - max);
        }
      }
      view.changed();
    },
    update(series: readonly Series[]) {
      view.live();
      checkSeries(series);
      data = series.map((s) => ({ ...s, x: s.x ? [...s.x] : s.y.map((_, i) => i + 1), y: [...s.y] }));
      view.changed();
    },
    series: (): Series[] => data.map((s) => ({ ...s, x: [...s.x], y: [...s.y] })),
  });
}

// ---------------------------------------------------------------- heatmap

/** A live heatmap: replace the matrix, or grow it a column (a training step) or a row at a time; cells may be hatched. tfjs-vis' heatmap, kept live. */
export interface HeatmapView extends LiveView {
  /** New values (and which cells to hatch, same shape; default none). */
  update(values: Matrix, hatched?: readonly (readonly boolean[])[]): void;
  /**
   * Add a column (e.g. ||dL/dH_t|| for every time step t after one training step); its length is
   * the number of rows. `hatched` marks cells of it to hatch (steps cut by truncation).
   */
  appendColumn(column: readonly number[], hatched?: readonly boolean[]): void;
  /** Add a row; its length is the number of columns. */
  appendRow(row: readonly number[], hatched?: readonly boolean[]): void;
  /** A copy of the matrix drawn. */
  values(): number[][];
}

/**
 * A heatmap (linear or log colour scale, colour bar) mounted in `target`, e.g. time step x training
 * step gradient norms in BPTT, one column per training step: NaN cells are grey (`missingLabel`),
 * hatched cells (steps cut by truncation) hatched (`hatchLabel`). Labels of a dimension that grows
 * are best a function of the index: `colLabels: (j) => String(j + 1)`.
 * Plays the role of a live matplotlib imshow (tfjs-vis' heatmap).
 */
export function heatmapView(target: ViewTarget, opts: Omit<HeatmapOptions, "hatched"> & { maxColumns?: number }): HeatmapView {
  const op = "heatmapView";
  let rows: number[][] = [],
    marks: boolean[][] = [];
  // label lists may be longer than the data so far (labels for the final size): the first ones are drawn
  const first = (l: Labels | undefined, n: number): Labels | undefined => (typeof l === "function" || !l ? l : l.slice(0, n));
  const view = liveView(op, target, () =>
    heatmapOrEmpty(rows, {
      ...opts,
      rowLabels: first(opts.rowLabels, rows.length),
      colLabels: first(opts.colLabels, rows[0]?.length ?? 0),
      hatched: marks,
    }),
  );
  view.changed();
  /** Label lists must cover the data drawn; checked here, at the call, not in a frame. */
  const fits = (n: number, m: number): void => {
    for (const [what, l, k, unit] of [
      ["rowLabels", opts.rowLabels, n, "row"],
      ["colLabels", opts.colLabels, m, "column"],
    ] as const) {
      if (Array.isArray(l) && l.length < k)
        throw new ShapeError(
          `${op}: ${what} has ${l.length} labels but there are ${k} ${unit}s; pass at least one per ${unit}, or a function of the index for a heatmap that grows: ${what}: (k) => String(k + 1).`,
        );
    }
  };
  /** Drop the oldest columns beyond maxColumns, in place, and schedule a redraw. */
  const trimmed = (): void => {
    const drop = opts.maxColumns && rows[0]!.length > opts.maxColumns ? rows[0]!.length - opts.maxColumns : 0;
    if (drop) for (const r of [...rows, ...marks]) r.splice(0, drop);
    view.changed();
  };
  const checkVector = (what: "column" | "row", v: readonly number[], n: number | null, hatched: readonly boolean[] | undefined): void => {
    if (!Array.isArray(v) || v.length === 0)
      throw new ShapeError(`${op}: ${what} must be a non-empty array of numbers, got ${Array.isArray(v) ? "[]" : typeof v}.`);
    const per = what === "column" ? "row" : "column";
    if (n !== null && v.length !== n)
      throw new ShapeError(`${op}: ${what} has ${v.length} values but the heatmap has ${n} ${per}s; pass one value per ${per}.`);
    v.forEach((x, i) => checkValue(op, `${what} value ${i}`, x));
    if (hatched !== undefined && !(Array.isArray(hatched) && hatched.length === v.length && hatched.every((b) => typeof b === "boolean"))) {
      throw new ShapeError(
        `${op}: hatched must be ${v.length} booleans, one per value of the ${what}, got ${Array.isArray(hatched) ? `${hatched.length} entries` : typeof hatched}.`,
      );
    }
  };
  return Object.assign(view, {
    update(values: Matrix, hatched?: readonly (readonly boolean[])[]) {
      view.live();
      const [n, m] = checkMatrix(`${op}: values`, values);
      if (hatched) checkHatched(op, hatched, n, m);
      fits(n, m);
      rows = values.map((r) => [...r]);
      marks = hatched ? hatched.map((r) => [...r]) : values.map((r) => r.map(() => false));
      trimmed();
    },
    // appends grow the rows in place (checked first, so a refused call changes nothing): a long
    // run appends a column per training step, and copying the whole matrix each time would make it quadratic
    appendColumn(column: readonly number[], hatched?: readonly boolean[]) {
      view.live();
      checkVector("column", column, rows.length ? rows.length : null, hatched);
      fits(column.length, (rows[0]?.length ?? 0) + 1);
      if (!rows.length) [rows, marks] = [column.map(() => []), column.map(() => [])];
      column.forEach((v, i) => {
        rows[i]!.push(v);
        marks[i]!.push(hatched?.[i] ?? false);
      });
      trimmed();
    },
    appendRow(row: readonly number[], hatched?: readonly boolean[]) {
      view.live();
      checkVector("row", row, rows.length ? rows[0]!.length : null, hatched);
      fits(rows.length + 1, row.length);
      rows.push([...row]);
      marks.push(row.map((_, j) => hatched?.[j] ?? false));
      trimmed();
    },
    values: (): number[][] => rows.map((r) => [...r]),
  });
}

// ---------------------------------------------------------------- confusion matrix

/** A live confusion matrix: replace the counts, or count one more (true, predicted) pair. tfjs-vis' confusionMatrix, kept live. */
export interface ConfusionMatrixView extends LiveView {
  /** New counts[true][predicted] (e.g. tl.train.confusionMatrix(pred, y).toArray() after an epoch). */
  update(counts: Matrix): void;
  /** Count `n` (default 1) more samples of class `trueClass` predicted as `predicted`. */
  add(trueClass: number, predicted: number, n?: number): void;
  /** Start again from zero counts. */
  reset(): void;
  /** A copy of the counts drawn. */
  counts(): number[][];
}

/**
 * A confusion matrix (counts, row-normalised colours, class labels) mounted in `target`.
 * With `labels` it starts at zero counts and `add` works at once. Plays the role of a live
 * sklearn ConfusionMatrixDisplay (tfjs-vis' confusionMatrix).
 */
export function confusionMatrixView(target: ViewTarget, opts: ConfusionMatrixOptions): ConfusionMatrixView {
  const op = "confusionMatrixView";
  const zeros = (c: number): number[][] => Array.from({ length: c }, () => new Array<number>(c).fill(0));
  let counts: number[][] = opts.labels ? zeros(opts.labels.length) : [];
  const view = liveView(op, target, () => (counts.length ? confusionMatrixChart(counts, opts) : heatmapOrEmpty([], opts)));
  view.changed();
  return Object.assign(view, {
    update(next: Matrix) {
      view.live();
      checkCounts(op, next);
      if (opts.labels && next.length !== opts.labels.length)
        throw new ShapeError(
          `${op}: counts are ${next.length} x ${next.length} but there are ${opts.labels.length} labels; pass one row and column per class.`,
        );
      counts = next.map((r) => [...r]);
      view.changed();
    },
    add(trueClass: number, predicted: number, n = 1) {
      view.live();
      const C = counts.length;
      if (C === 0)
        throw new ValueError(`${op}: add needs the number of classes: pass labels in the options, or call update(counts) first.`);
      for (const [what, k] of [
        ["trueClass", trueClass],
        ["predicted", predicted],
      ] as const) {
        if (!(Number.isInteger(k) && k >= 0 && k < C))
          throw new ValueError(`${op}: ${what} ${k} is outside [0, ${C - 1}]; classes are 0 to ${C - 1}.`);
      }
      if (!(Number.isInteger(n) && n >= 0)) throw new ValueError(`${op}: n must be a non-negative integer, got ${n}.`);
      counts[trueClass]![predicted]! += n;
      view.changed();
    },
    reset() {
      view.live();
      counts = zeros(counts.length);
      view.changed();
    },
    counts: (): number[][] => counts.map((r) => [...r]),
  });
}

// ---------------------------------------------------------------- image grid

/** A live image grid: replace the images (filters after a training step, the feature maps of a new input); TensorBoard's add_images, drawn in the page. */
export interface ImageGridView extends LiveView {
  update(images: readonly Matrix[], captions?: readonly string[]): void;
}

/**
 * An image grid (filters, feature maps; per-image or shared colour scaling, gray or diverging)
 * mounted in `target`. Plays the role of a live torchvision make_grid (tfjs-vis' image panels).
 */
export function imageGridView(target: ViewTarget, opts: ImageGridOptions): ImageGridView {
  let images: readonly Matrix[] = [],
    captions = opts.captions;
  const view = liveView("imageGridView", target, () => imageGrid(images, { ...opts, ...(captions ? { captions } : {}) }));
  view.changed();
  return Object.assign(view, {
    update(next: readonly Matrix[], nextCaptions?: readonly string[]) {
      view.live();
      checkImages(next, { ...opts, ...(nextCaptions ? { captions: nextCaptions } : {}) });
      images = next.map((img) => img.map((r) => [...r]));
      if (nextCaptions) captions = [...nextCaptions];
      view.changed();
    },
  });
}

// ---------------------------------------------------------------- gates over time

/** A live gates timeline: replace it, or pass `onStep` to an LSTM/GRU forward to draw each step's gates. No PyTorch counterpart (LSTMVis-like). */
export interface GatesTimelineView extends LiveView {
  update(data: GateTimeline): void;
  /**
   * The forward option `onStep`: records the gates of step t (of the layer, direction and batch
   * element chosen in the options); a new forward (t = 0 again) starts a new timeline.
   */
  readonly onStep: (step: StepInfo) => void;
  /** A copy of the timeline drawn. */
  timeline(): GateTimeline | null;
}

/**
 * LSTM (i, f, g, o) / GRU (r, z, n) gates per time step, mounted in `target`; feed it with
 * `lstm.forward(x, null, { onStep: view.onStep })`. No PyTorch counterpart (LSTMVis-like).
 */
export function gatesTimelineView(target: ViewTarget, opts: GatesTimelineOptions & GateStepFilter): GatesTimelineView {
  const op = "gatesTimelineView";
  const { layer = 0, direction = 0, batch = 0 } = opts;
  let data: Record<string, unknown> | null = null,
    lastT: number | null = null;
  const view = liveView(op, target, () => gatesTimeline((data ?? { kind: "LSTM", i: [], f: [], g: [], o: [] }) as GateTimeline, opts));
  view.changed();
  const copy = (d: Record<string, unknown>): GateTimeline => {
    const out: Record<string, unknown> = { kind: d.kind };
    for (const g of GATE_NAMES[d.kind as "LSTM" | "GRU"]) out[g] = (d[g] as number[][]).map((r) => [...r]);
    return out as GateTimeline;
  };
  return Object.assign(view, {
    update(next: GateTimeline) {
      view.live();
      checkTimeline(op, next);
      data = copy(next as unknown as Record<string, unknown>);
      view.changed();
    },
    onStep: (s: StepInfo): void => {
      if (s.layer !== layer || s.direction !== direction) return;
      view.live();
      const { kind, values } = stepGateValues(s, batch);
      // a forward visits t = 0, 1, ... (the reverse direction T-1, T-2, ...): going back means a new run
      const restart = lastT === null || (direction === 0 ? s.t <= lastT : s.t >= lastT);
      lastT = s.t;
      const d: Record<string, unknown> =
        !data || data.kind !== kind || restart ? Object.fromEntries([["kind", kind], ...GATE_NAMES[kind].map((g) => [g, []])]) : data;
      data = d;
      for (const g of GATE_NAMES[kind]) {
        const rows = d[g] as number[][],
          H = values[g]!.length;
        // steps not seen yet (the reverse direction fills from the end) are drawn grey
        for (let t = 0; t < s.t; t++) rows[t] ??= new Array<number>(H).fill(NaN);
        rows[s.t] = values[g]!;
      }
      view.changed();
    },
    timeline: (): GateTimeline | null => (data ? copy(data) : null),
  });
}
