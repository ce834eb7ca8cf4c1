// Live views in Node: a plain { innerHTML } target and a hand-driven requestAnimationFrame show
// that appends between frames cost one redraw, that the drawn SVG is the pure chart of the data,
// and that bad data is refused at the call that passes it.
import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { confusionMatrixChart } from "./confusionMatrix.js";
import { gatesTimeline } from "./gatesTimeline.js";
import { heatmap } from "./heatmap.js";
import { imageGrid } from "./imageGrid.js";
import { lineChart } from "./lineChart.js";
import { confusionMatrixView, gatesTimelineView, heatmapView, imageGridView, lineChartView } from "./views.js";

/** A requestAnimationFrame that runs its callbacks only when the test calls frame(). */
let pending: Map<number, () => void>;
const g = globalThis as { requestAnimationFrame?: unknown; cancelAnimationFrame?: unknown };
function frame(): void {
  const run = [...pending.values()];
  pending.clear();
  run.forEach((f) => f());
}
beforeEach(() => {
  pending = new Map();
  let id = 0;
  g.requestAnimationFrame = (f: () => void) => (pending.set(++id, f), id);
  g.cancelAnimationFrame = (k: number) => pending.delete(k);
});
afterEach(() => {
  delete g.requestAnimationFrame;
  delete g.cancelAnimationFrame;
});

describe("lineChartView", () => {
  it("redraws once per frame however many points arrive, drawing what lineChart draws", () => {
    const el = { innerHTML: "" };
    const opts = { title: "loss", logY: true };
    const v = lineChartView(el, opts);
    frame();
    assert.equal(v.renders, 1);
    assert.match(el.innerHTML, /no data yet/);
    for (let e = 1; e <= 50; e++) v.append({ train: 1 / e, val: 1.2 / e }, e);
    assert.equal(v.renders, 1, "nothing drawn between frames");
    frame();
    assert.equal(v.renders, 2, "50 appends, one redraw");
    assert.equal(
      el.innerHTML,
      lineChart(
        [
          { name: "train", x: v.series()[0]!.x, y: v.series()[0]!.y },
          { name: "val", x: v.series()[1]!.x, y: v.series()[1]!.y },
        ],
        opts,
      ),
    );
    assert.equal(el.innerHTML.match(/<path /g)?.length, 2);
    frame();
    assert.equal(v.renders, 2, "no change, no redraw");
  });
  it("x defaults to 1, 2, ...; maxPoints keeps a window; update replaces; flush draws now", () => {
    const el = { innerHTML: "" };
    const v = lineChartView(el, { title: "t", maxPoints: 3, series: [{ name: "a", color: "#123456" }] });
    for (const y of [1, 2, 3, 4, 5]) v.append({ a: y });
    assert.deepEqual(v.series()[0]!.x, [3, 4, 5]);
    assert.deepEqual(v.series()[0]!.y, [3, 4, 5]);
    v.flush();
    assert.match(el.innerHTML, /stroke="#123456"/);
    v.update([{ name: "b", y: [7, 8] }]);
    assert.deepEqual(v.series(), [{ name: "b", x: [1, 2], y: [7, 8] }]);
  });
  it("refuses bad data at the call, and stops after destroy", () => {
    const el = { innerHTML: "kept" };
    const v = lineChartView(el, { title: "t" });
    assert.throws(() => v.append({ a: "0.3" as unknown as number }), /lineChartView: the value of "a" must be a number, got string 0.3/);
    assert.throws(() => v.append({ a: 1 }, NaN), /lineChartView: x must be finite, got NaN/);
    assert.throws(() => v.update([{ name: "a", x: [1], y: [1, 2] }]), /series "a" has 1 x values but 2 y values/);
    assert.throws(
      () => lineChartView(null as unknown as { innerHTML: string }, { title: "t" }),
      /lineChartView: the target must be a DOM element .*got null/,
    );
    v.destroy();
    frame();
    assert.equal(el.innerHTML, "kept", "a destroyed view draws nothing more");
    assert.throws(() => v.append({ a: 1 }), /lineChartView: this view was destroyed; mount a new one/);
  });
  it("without requestAnimationFrame (Node, a worker) it redraws on a timer", async () => {
    delete g.requestAnimationFrame;
    const el = { innerHTML: "" };
    const v = lineChartView(el, { title: "t" });
    v.append({ a: 1 });
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(v.renders, 1);
    assert.match(el.innerHTML, /<path /);
  });
});

describe("heatmapView", () => {
  it("grows a column per training step (time steps down) and draws heatmap's SVG", () => {
    const el = { innerHTML: "" };
    const opts = { title: "||dL/dH_t||", scale: "log" as const };
    const v = heatmapView(el, opts);
    v.appendColumn([1, 0.1, NaN]);
    v.appendColumn([2, 0.2, 0.02]);
    frame();
    assert.deepEqual(v.values(), [
      [1, 2],
      [0.1, 0.2],
      [NaN, 0.02],
    ]);
    assert.equal(el.innerHTML, heatmap(v.values(), opts));
    assert.throws(() => v.appendColumn([1, 2]), /heatmapView: column has 2 values but the heatmap has 3 rows; pass one value per row/);
    assert.throws(() => v.appendRow([1]), /heatmapView: row has 1 values but the heatmap has 2 columns/);
    assert.throws(() => v.update([[1], [1, 2]]), /heatmapView: values: row 1 has 2 values but row 0 has 1/);
    const fixed = heatmapView({ innerHTML: "" }, { title: "f", colLabels: ["a", "b"] });
    fixed.appendColumn([1]);
    fixed.appendColumn([2]);
    assert.throws(
      () => fixed.appendColumn([3]),
      /heatmapView: colLabels has 2 labels but there are 3 columns; pass at least one per column, or a function of the index for a heatmap that grows/,
    );
    assert.deepEqual(fixed.values(), [[1, 2]], "a refused column leaves the data as they were");
    const cut = heatmapView({ innerHTML: "" }, { title: "tbptt", scale: "log", hatchLabel: "cut", missingLabel: "not reached" });
    cut.appendColumn([NaN, 0.5, NaN], [true, false, false]);
    cut.appendColumn([0.1, 0.2, 0.3]);
    cut.flush();
    assert.equal(cut.values().length, 3);
    assert.throws(
      () => cut.appendColumn([1, 2, 3], [true]),
      /heatmapView: hatched must be 3 booleans, one per value of the column, got 1 entries/,
    );
    assert.throws(() => cut.update([[1]], [[1 as unknown as boolean]]), /heatmapView: hatched must be a 1 x 1 matrix of booleans/);
    const w = heatmapView({ innerHTML: "" }, { title: "w", maxColumns: 2 });
    for (const k of [1, 2, 3]) w.appendColumn([k]);
    assert.deepEqual(w.values(), [[2, 3]]);
  });
});

describe("confusionMatrixView", () => {
  it("counts pairs from zero with labels, updates from tl.train.confusionMatrix, resets", () => {
    const el = { innerHTML: "" };
    const opts = { title: "cm", labels: ["a", "b"] };
    const v = confusionMatrixView(el, opts);
    v.add(0, 0);
    v.add(0, 1, 2);
    v.add(1, 1);
    frame();
    assert.deepEqual(v.counts(), [
      [1, 2],
      [0, 1],
    ]);
    assert.equal(
      el.innerHTML,
      confusionMatrixChart(
        [
          [1, 2],
          [0, 1],
        ],
        opts,
      ),
    );
    v.update(
      tl.train
        .confusionMatrix(tl.tensor([0, 1, 1], { dtype: "int32" }), tl.tensor([0, 1, 0], { dtype: "int32" }), 2)
        .toArray() as number[][],
    );
    assert.deepEqual(v.counts(), [
      [1, 1],
      [0, 1],
    ]);
    v.reset();
    assert.deepEqual(v.counts(), [
      [0, 0],
      [0, 0],
    ]);
    assert.throws(() => v.add(2, 0), /confusionMatrixView: trueClass 2 is outside \[0, 1\]/);
    assert.throws(
      () =>
        v.update([
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
      /counts are 3 x 3 but there are 2 labels/,
    );
    assert.throws(
      () => confusionMatrixView({ innerHTML: "" }, { title: "c" }).add(0, 0),
      /add needs the number of classes: pass labels in the options, or call update\(counts\) first/,
    );
  });
});

describe("imageGridView", () => {
  it("replaces its images and captions and draws imageGrid's SVG", () => {
    const el = { innerHTML: "" };
    const opts = { title: "filters", scaling: "shared" as const, colormap: "diverging" as const };
    const v = imageGridView(el, { ...opts, captions: ["k0", "k1"] });
    frame();
    assert.match(el.innerHTML, /no images/);
    v.update([[[1, -1]], [[0, 2]]], ["k0", "k1"]);
    frame();
    assert.equal(el.innerHTML, imageGrid([[[1, -1]], [[0, 2]]], { ...opts, captions: ["k0", "k1"] }));
    assert.throws(() => v.update([[[1, 2], [3]]]), /imageGrid: image 0: row 1 has 1 values but row 0 has 2/);
  });
});

describe("gatesTimelineView", () => {
  it("onStep draws each step's gates of a real LSTM forward; a new forward starts over", () => {
    tl.manualSeed(1);
    const el = { innerHTML: "" };
    const v = gatesTimelineView(el, { title: "gates", batch: 1 });
    const lstm = new tl.nn.LSTM(1, 2);
    const x = tl.randn([6, 2, 1]);
    const steps: tl.nn.StepInfo[] = [];
    lstm.forward(x, null, {
      onStep: (s) => {
        steps.push(s);
        v.onStep(s);
      },
    });
    frame();
    assert.equal(v.renders, 1);
    const got = v.timeline()!;
    assert.equal(got.kind, "LSTM");
    if (got.kind !== "LSTM") return;
    assert.equal(got.i.length, 6);
    assert.deepEqual(got.o[4], ((steps[4]!.gates as tl.nn.LSTMGates).o.toArray() as number[][])[1]);
    assert.equal(el.innerHTML, gatesTimeline(got, { title: "gates" }));
    lstm.forward(x.narrow(0, 0, 3), null, { onStep: v.onStep });
    assert.equal((v.timeline() as { i: number[][] }).i.length, 3, "the second forward replaced the first");
  });
  it("the reverse direction fills from the last step; the unseen steps are grey until they come", () => {
    const v = gatesTimelineView({ innerHTML: "" }, { title: "g", direction: 1 });
    const gru = new tl.nn.GRU(1, 2, { bidirectional: true });
    const seen: number[] = [];
    gru.forward(tl.ones([4, 1, 1]), null, {
      onStep: (s) => {
        v.onStep(s);
        if (s.direction === 1) seen.push((v.timeline() as { r: number[][] }).r.filter((r) => !Number.isNaN(r[0])).length);
      },
    });
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal((v.timeline() as { r: number[][] }).r.length, 4);
    assert.throws(() => v.update({ kind: "GRU", r: [[1]], z: [[1]], n: [[1, 2]] }), /gatesTimelineView: gate n is \[1, 2\]/);
  });
});
