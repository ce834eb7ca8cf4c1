// The pure chart functions of src/report: values land in the right cells with the right colours,
// scales and colour-bar ticks agree with matplotlib (test/fixtures/report_scales.json, made by
// scripts/fixtures/make_report_refs.py), and bad input gets an error naming the chart and the fix.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tl from "../index.js";
import { colorAt, colorScale, MISSING_COLOR, scaleColor, scalePosition } from "./color.js";
import { confusionMatrixChart, rowNormalize } from "./confusionMatrix.js";
import { gatesFromSteps, gatesTimeline } from "./gatesTimeline.js";
import { heatmap } from "./heatmap.js";
import { imageGrid } from "./imageGrid.js";
import { lineChart } from "./lineChart.js";

const refs = JSON.parse(readFileSync(new URL("../../test/fixtures/report_scales.json", import.meta.url), "utf8"));

interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  row: number;
  col: number;
  value: string;
}
/** The coloured cells of a chart, from their rects and tooltips. */
function cells(svg: string): Cell[] {
  return [
    ...svg.matchAll(
      /<rect class="cell" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"><title>row (\d+), column (\d+): ([^<]*)<\/title>/g,
    ),
  ].map((m) => ({ x: +m[1]!, y: +m[2]!, w: +m[3]!, h: +m[4]!, fill: m[5]!, row: +m[6]!, col: +m[7]!, value: m[8]! }));
}
/** The colour bar's tick labels and their y positions, top to bottom. */
function barTicks(svg: string): { label: string; y: number }[] {
  return [...svg.matchAll(/<text class="tick" x="[\d.]+" y="([\d.]+)">([^<]+)<\/text>/g)]
    .map((m) => ({ label: m[2]!, y: +m[1]! }))
    .sort((a, b) => a.y - b.y);
}
const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol;

describe("colour scales against matplotlib", () => {
  it("linear (Normalize), log (LogNorm) and diverging (CenteredNorm) place values as matplotlib does", () => {
    for (const [kind, opts] of [
      ["linear", {}],
      ["log", { scale: "log" }],
      ["centered", { colormap: "diverging" }],
    ] as const) {
      for (const c of refs[kind]) {
        const s = colorScale("test", c.values, opts);
        assert.ok(close(s.lo, c.lo) && close(s.hi, c.hi), `${kind}: domain [${s.lo}, ${s.hi}] vs matplotlib [${c.lo}, ${c.hi}]`);
        c.values.forEach((v: number, i: number) =>
          assert.ok(close(scalePosition(s, v)!, c.positions[i], 1e-12), `${kind} ${v}: ${scalePosition(s, v)} vs ${c.positions[i]}`),
        );
      }
    }
  });
  it("a log colour bar puts matplotlib's decade ticks (LogLocator) at equal distances", () => {
    for (const c of refs.log_ticks) {
      const svg = heatmap([[c.lo, c.hi]], { title: "t", scale: "log" });
      const ticks = barTicks(svg);
      assert.deepEqual(ticks.map((t) => Number(t.label)).reverse(), c.ticks, `ticks of [${c.lo}, ${c.hi}]`);
      const gaps = ticks.slice(1).map((t, k) => t.y - ticks[k]!.y);
      assert.ok(
        gaps.every((g) => close(g, gaps[0]!, 0.02)),
        `decades at equal distances: ${gaps}`,
      );
    }
  });
});

describe("heatmap", () => {
  it("puts row i, column j at its place with the colour of its value", () => {
    const values = [
      [0, 1, 2],
      [3, 4, 6],
    ];
    const svg = heatmap(values, { title: "h", cell: 20 });
    const cs = cells(svg);
    assert.equal(cs.length, 6);
    const x0 = cs[0]!.x,
      y0 = cs[0]!.y;
    for (const c of cs) {
      assert.equal(c.x, x0 + 20 * c.col);
      assert.equal(c.y, y0 + 20 * c.row);
      assert.equal(Number(c.value), values[c.row]![c.col]);
      assert.equal(c.fill, colorAt("blues", values[c.row]![c.col]! / 6));
    }
    assert.deepEqual(
      barTicks(svg).map((t) => t.label),
      ["6", "4", "2", "0"],
    );
  });
  it("a log scale gives each decade the same colour step; NaN, zero and negatives are grey", () => {
    const svg = heatmap(
      [
        [1e-3, 1e-2, 1e-1, 1],
        [NaN, 0, -1, Infinity],
      ],
      { title: "norms", scale: "log" },
    );
    const fills = cells(svg).map((c) => c.fill);
    assert.deepEqual(
      fills.slice(0, 4),
      [0, 1, 2, 3].map((k) => colorAt("blues", k / 3)),
    );
    assert.deepEqual(fills.slice(4), [MISSING_COLOR, MISSING_COLOR, MISSING_COLOR, MISSING_COLOR]);
    assert.match(svg, /row 1, column 0: NaN/);
  });
  it("a fixed domain clamps; linear colour-bar ticks are round and evenly spaced", () => {
    const svg = heatmap([[-5, 0.5, 5]], { title: "h", domain: [0, 1] });
    assert.deepEqual(
      cells(svg).map((c) => c.fill),
      [colorAt("blues", 0), colorAt("blues", 0.5), colorAt("blues", 1)],
    );
    const ticks = barTicks(svg);
    assert.deepEqual(
      ticks.map((t) => t.label),
      ["1", "0.8", "0.6", "0.4", "0.2", "0"],
    );
    const gaps = ticks.slice(1).map((t, k) => t.y - ticks[k]!.y);
    assert.ok(
      gaps.every((g) => close(g, gaps[0]!, 0.02)),
      String(gaps),
    );
  });
  it("diverging is symmetric about 0: zero is the middle (white), the sign picks blue or red", () => {
    const cs = cells(heatmap([[-1, 0, 3]], { title: "w", colormap: "diverging" }));
    assert.deepEqual(
      cs.map((c) => c.fill),
      [colorAt("diverging", 1 / 3), colorAt("diverging", 0.5), colorAt("diverging", 1)],
    );
    assert.equal(colorAt("diverging", 0.5), "rgb(247,247,247)");
  });
  it("refuses empty, ragged, non-numeric input and mismatched labels with the fix", () => {
    assert.throws(
      () => heatmap([], { title: "h" }),
      /heatmap: values must be a non-empty matrix .*got \[\] \(empty\)\. Pass at least one row/,
    );
    assert.throws(() => heatmap([[]], { title: "h" }), /non-empty matrix/);
    assert.throws(
      () => heatmap([[1, 2], [3]], { title: "h" }),
      /heatmap: values: row 1 has 1 values but row 0 has 2; every row must have the same length/,
    );
    assert.throws(() => heatmap([[1, "2" as unknown as number]], { title: "h" }), /row 0, column 1 is "2", not a number/);
    assert.throws(
      () => heatmap([[1, 2]], { title: "h", colLabels: ["a"] }),
      /heatmap: colLabels has 1 labels but there are 2 columns; pass one label per column/,
    );
    assert.throws(() => heatmap([[1, 2]], { title: "h", scale: "log", domain: [0, 1] }), /log scale needs a positive domain, got \[0, 1\]/);
    assert.throws(
      () => heatmap([[1, 2]], { title: "h", domain: [2, 1] }),
      /domain must be two finite numbers \[lo, hi\] with lo < hi, got \[2, 1\]/,
    );
    assert.throws(
      () => heatmap([[1]], { title: "h", colormap: "jet" as "gray" }),
      /colormap must be one of "blues", "diverging", "gray", got "jet"/,
    );
  });
  it("says what grey cells mean beside the colour bar, only when there are some; labels may be a function", () => {
    const svg = heatmap(
      [
        [1, NaN],
        [2, 3],
      ],
      { title: "norms", missingLabel: "cut", rowLabels: (i) => `t=${i}`, colLabels: (j) => `s${j + 1}` },
    );
    assert.match(svg, /fill="rgb\(217,217,217\)" stroke="#888"\/>\n<text [^>]*>cut<\/text>/);
    for (const l of ["t=0", "t=1", "s1", "s2"]) assert.match(svg, new RegExp(`>${l}</text>`));
    assert.doesNotMatch(heatmap([[1, 2]], { title: "h" }), /no value/);
    assert.match(heatmap([[1, -1]], { title: "h", scale: "log" }), />no value<\/text>/);
  });
  it("hatched cells (cut) are told apart from grey ones (not reached), each with its key", () => {
    const svg = heatmap(
      [
        [NaN, 1, NaN],
        [2, 3, 4],
      ],
      {
        title: "tbptt",
        scale: "log",
        hatched: [
          [true, false, false],
          [false, false, false],
        ],
        missingLabel: "not reached",
      },
    );
    const hatches = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="32" height="32" fill="url\(#tensorloom-hatch\)"\/>/g)];
    const c = cells(svg);
    assert.equal(hatches.length, 1);
    assert.deepEqual([+hatches[0]![1]!, +hatches[0]![2]!], [c[0]!.x, c[0]!.y], "the hatch lies over cell (0, 0)");
    assert.match(svg, /<pattern id="tensorloom-hatch"/);
    assert.match(svg, />not reached<\/text>/, "cell (0, 2) is grey without hatch");
    assert.match(svg, />cut<\/text>/);
    assert.doesNotMatch(heatmap([[NaN, 1]], { title: "t", hatched: [[true, false]] }), /no value/, "a hatched NaN needs no grey key");
    assert.throws(
      () => heatmap([[1, 2]], { title: "t", hatched: [[true]] }),
      /heatmap: hatched must be a 1 x 2 matrix of booleans \(the values' shape\), got an array of 1 of an array of 1/,
    );
  });
  it("keeps the old call working: annotate writes values, labels are escaped", () => {
    const svg = heatmap(
      [
        [1, 2],
        [3, 4],
      ],
      { title: "a<b", annotate: true, rowLabels: ["r&1", "r2"], colLabels: ["c1", "c2"] },
    );
    assert.match(svg, /a&lt;b/);
    assert.match(svg, /r&amp;1/);
    assert.match(svg, />4<\/text>/);
  });
});

describe("large matrices as one image", () => {
  /** The pixels of the BMP in a chart's <image>, as "rgb(r,g,b)" by [row][column]. */
  function bmpPixels(svg: string): string[][] {
    const bytes = Buffer.from(svg.match(/href="data:image\/bmp;base64,([^"]+)"/)![1]!, "base64");
    assert.equal(bytes.toString("latin1", 0, 2), "BM");
    const w = bytes.readInt32LE(18),
      h = bytes.readInt32LE(22),
      stride = (w * 3 + 3) & ~3;
    assert.equal(bytes.readUInt16LE(28), 24);
    assert.equal(bytes.length, 54 + stride * h);
    return Array.from({ length: h }, (_, i) =>
      Array.from({ length: w }, (_, j) => {
        const at = 54 + (h - 1 - i) * stride + 3 * j; // bottom-up rows, BGR
        return `rgb(${bytes[at + 2]},${bytes[at + 1]},${bytes[at]})`;
      }),
    );
  }
  it("a 60 x 101 log heatmap is one BMP whose pixel [i][j] has cell (i, j)'s colour", () => {
    const values = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: 101 }, (_, j) => (i === 5 && j === 7 ? NaN : 10 ** ((i - j / 10) / 10))),
    );
    const svg = heatmap(values, { title: "big", scale: "log", width: 500, height: 300 });
    assert.equal(cells(svg).length, 0);
    assert.ok(svg.length < 60 * 101 * 6, `${svg.length} chars`);
    const scale = colorScale("t", values.flat(), { scale: "log" });
    const px = bmpPixels(svg);
    values.forEach((row, i) => row.forEach((v, j) => assert.equal(px[i]![j], scaleColor(scale, v), `cell ${i}, ${j}`)));
    assert.equal(px[5]![7], MISSING_COLOR);
    assert.match(svg, /width="500" height="300" preserveAspectRatio="none"/);
    assert.match(svg, />no value<\/text>/);
  });
});

describe("confusionMatrixChart", () => {
  it('row normalisation equals sklearn\'s normalize="true" (empty rows stay 0)', () => {
    for (const c of refs.confusion) {
      rowNormalize(c.counts).forEach((row, i) => row.forEach((v, j) => assert.ok(close(v, c.normalized[i][j], 1e-15))));
    }
  });
  it("shows counts, colours each cell by its share of the row, labels classes, totals and accuracy", () => {
    const counts = [
      [3, 1, 0],
      [10, 30, 0],
      [0, 0, 0],
    ];
    const svg = confusionMatrixChart(counts, { title: "cm", labels: ["cat", "dog", "bird"] });
    const cs = cells(svg);
    assert.equal(cs.length, 9);
    for (const c of cs) {
      const n = counts[c.row]!.reduce((a, b) => a + b, 0);
      assert.equal(c.fill, colorAt("blues", n ? counts[c.row]![c.col]! / n : 0), `cell ${c.row},${c.col}`);
    }
    // the rare row's 75% is as dark as the common row's 75%
    assert.equal(cs[0]!.fill, cs[4]!.fill);
    for (const l of ["cat", "dog", "bird", ">30<", ">10<", "accuracy 75.0% \\(33 of 44\\)"]) assert.match(svg, new RegExp(l));
    assert.deepEqual(
      [...svg.matchAll(/class="row-total"[^>]*>(\d+)</g)].map((m) => m[1]),
      ["4", "40", "0"],
    );
  });
  it("refuses counts that are not a square matrix of non-negative integers", () => {
    assert.throws(() => confusionMatrixChart([[1, 2]], { title: "c" }), /confusionMatrixChart: counts must be square .*got 1 x 2/);
    assert.throws(
      () =>
        confusionMatrixChart(
          [
            [1, -1],
            [0, 0],
          ],
          { title: "c" },
        ),
      /non-negative integers, got -1 at true class 0, predicted 1/,
    );
    assert.throws(() => confusionMatrixChart([[NaN]], { title: "c" }), /non-negative integers, got NaN/);
    assert.throws(() => confusionMatrixChart([[1.5]], { title: "c" }), /got 1.5/);
    assert.throws(
      () =>
        confusionMatrixChart(
          [
            [1, 0],
            [0, 1],
          ],
          { title: "c", labels: ["a"] },
        ),
      /labels has 1 labels but there are 2 classes/,
    );
    assert.throws(() => confusionMatrixChart([], { title: "c" }), /non-empty matrix/);
  });
});

describe("imageGrid", () => {
  const imgs = [
    [
      [0, 1],
      [1, 0],
    ],
    [
      [0, 10],
      [5, 0],
    ],
  ];
  it("per-image scaling stretches each image; shared scaling compares magnitudes (with a colour bar)", () => {
    const each = cells(imageGrid(imgs, { title: "g" }));
    assert.equal(each.find((c) => c.value === "1")!.fill, "rgb(255,255,255)");
    assert.equal(each.find((c) => c.value === "10")!.fill, "rgb(255,255,255)");
    const svg = imageGrid(imgs, { title: "g", scaling: "shared" });
    const shared = cells(svg);
    assert.equal(shared.find((c) => c.value === "1")!.fill, colorAt("gray", 0.1));
    assert.equal(shared.find((c) => c.value === "5")!.fill, colorAt("gray", 0.5));
    assert.ok(barTicks(svg).length >= 3);
    assert.equal(barTicks(imageGrid(imgs, { title: "g" })).length, 0, "per-image scales have no single colour bar");
  });
  it("diverging filters: 0 is white, one symmetric scale across filters", () => {
    const cs = cells(imageGrid([[[-2, 0]], [[1, 2]]], { title: "f", scaling: "shared", colormap: "diverging" }));
    assert.deepEqual(
      cs.map((c) => c.fill),
      [colorAt("diverging", 0), colorAt("diverging", 0.5), colorAt("diverging", 0.75), colorAt("diverging", 1)],
    );
  });
  it("images of different sizes sit in their boxes; NaN pixels are grey; errors name the image", () => {
    const cs = cells(imageGrid([[[1]], [[1, 2, NaN]]], { title: "g", pixel: 4, captions: ["one", "two"] }));
    assert.equal(cs.length, 4);
    assert.equal(cs[3]!.fill, MISSING_COLOR);
    assert.throws(() => imageGrid([[[1, 2]], [[1, 2], [3]]], { title: "g" }), /imageGrid: image 1: row 1 has 1 values but row 0 has 2/);
    assert.throws(() => imageGrid([[[1]]], { title: "g", captions: ["a", "b"] }), /captions has 2 labels but there are 1 images/);
    assert.match(imageGrid([], { title: "g" }), /no images/);
  });
});

describe("gatesTimeline", () => {
  it("draws each gate of a real LSTM run at [unit, time] on its fixed scale", () => {
    tl.manualSeed(3);
    const lstm = new tl.nn.LSTM(2, 3).to("float64");
    const steps: tl.nn.StepInfo[] = [];
    lstm.forward(tl.randn([5, 2, 2], { dtype: "float64" }), null, { onStep: (s) => steps.push(s) });
    const tlData = gatesFromSteps(steps, { batch: 1 });
    assert.equal(tlData.kind, "LSTM");
    if (tlData.kind !== "LSTM") return;
    assert.deepEqual(tlData.f[2], ((steps[2]!.gates as tl.nn.LSTMGates).f.toArray() as number[][])[1]);
    const svg = gatesTimeline(tlData, { title: "gates" });
    const gate = (name: string): Cell[] => cells(svg.split(`data-gate="${name}"`)[1]!.split("</g>")[0]!);
    for (const name of ["i", "f", "g", "o"] as const) {
      const cs = gate(name);
      assert.equal(cs.length, 15, `${name}: 3 units x 5 steps`);
      for (const c of cs) {
        const v: number = tlData[name][c.col]![c.row]!; // drawn units down (row), time across (column)
        assert.equal(Number(c.value), v);
        assert.equal(c.fill, name === "g" ? colorAt("diverging", (v + 1) / 2) : colorAt("blues", v));
      }
    }
  });
  it("GRU r, z, n; refuses mismatched gates, wrong kinds and RNN steps", () => {
    const gru = { kind: "GRU" as const, r: [[0.5]], z: [[1]], n: [[-1]] };
    assert.match(gatesTimeline(gru, { title: "g" }), /data-gate="n"/);
    assert.throws(
      () => gatesTimeline({ ...gru, z: [[1, 2]] }, { title: "g" }),
      /gatesTimeline: gate z is \[1, 2\] \(time steps, hidden units\) but gate r is \[1, 1\]/,
    );
    assert.throws(() => gatesTimeline({ kind: "RNN" } as unknown as typeof gru, { title: "g" }), /kind must be "LSTM" or "GRU", got "RNN"/);
    assert.throws(() => gatesTimeline(gru, { title: "g", timeLabels: ["a", "b"] }), /timeLabels has 2 labels but there are 1 time steps/);
    const steps: tl.nn.StepInfo[] = [];
    new tl.nn.RNN(1, 2).forward(tl.ones([2, 1, 1]), null, { onStep: (s) => steps.push(s) });
    assert.throws(() => gatesFromSteps(steps), /gatesFromSteps: step t=0 of layer 0 has no gates; only LSTM and GRU steps do/);
    assert.throws(() => gatesFromSteps(steps, { layer: 1 }), /no steps of layer 1, direction 0 among 2/);
    const lstmSteps: tl.nn.StepInfo[] = [];
    const lstm = new tl.nn.LSTM(1, 2);
    for (let k = 0; k < 2; k++) lstm.forward(tl.ones([2, 1, 1]), null, { onStep: (s) => lstmSteps.push(s) });
    assert.throws(
      () => gatesFromSteps(lstmSteps),
      /time step 0 of layer 0, direction 0 appears more than once: the steps come from several forward calls/,
    );
    assert.throws(() => gatesFromSteps(lstmSteps.slice(0, 2), { batch: 1 }), /batch 1 is outside \[0, 0\]/);
  });
  it("long sequences and many units get smaller cells", () => {
    const big = {
      kind: "GRU" as const,
      r: Array.from({ length: 400 }, () => new Array<number>(64).fill(0.5)),
      z: [] as number[][],
      n: [] as number[][],
    };
    big.z = big.r;
    big.n = big.r;
    const svg = gatesTimeline(big, { title: "g" });
    const img = [...svg.matchAll(/<image class="cells-raster" x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="([\d.]+)"/g)];
    assert.equal(img.length, 3, "one image per gate strip (3 x 64 x 400 cells)");
    assert.deepEqual([+img[0]![1]!, +img[0]![2]!], [400 * 3, 64 * 3], "3 x 3 px cells");
  });
});

describe("lineChart: empty, mismatched and long input", () => {
  it("an empty chart says so; x and y of different lengths are refused", () => {
    assert.match(lineChart([], { title: "t" }), /no data yet/);
    assert.match(lineChart([{ name: "a", y: [NaN] }], { title: "t" }), /no points to draw yet/);
    assert.throws(
      () => lineChart([{ name: "a", x: [1, 2], y: [1] }], { title: "t" }),
      /lineChart: series "a" has 2 x values but 1 y values; pass one x per y/,
    );
  });
  it("points land at their x and y: decades at equal heights on a log axis, linear x", () => {
    const d = lineChart([{ name: "norm", x: [0, 1, 2, 4], y: [1, 10, 100, 10000] }], { title: "t", logY: true }).match(
      /<path d="([^"]*)"/,
    )![1]!;
    const pts = d
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(",").map(Number) as [number, number]);
    const dy = pts.slice(1).map((p, k) => p[1] - pts[k]![1]);
    assert.ok(close(dy[0]!, dy[1]!, 0.15) && close(dy[2]!, 2 * dy[0]!, 0.15), `one decade, one decade, two decades: ${dy}`);
    const dx = pts.slice(1).map((p, k) => p[0] - pts[k]![0]);
    assert.ok(close(dx[0]!, dx[1]!, 0.15) && close(dx[2]!, 2 * dx[0]!, 0.15), `x steps 1, 1, 2: ${dx}`);
  });
  it("NaN breaks the line (a diverged loss is not joined across); a lone point after it starts anew", () => {
    const d = lineChart([{ name: "loss", y: [3, 2, NaN, 1, 0.5] }], { title: "t" }).match(/<path d="([^"]*)"/)![1]!;
    assert.equal(d.match(/M/g)?.length, 2);
    assert.equal(d.match(/L/g)?.length, 2);
    const lone = lineChart([{ name: "val", y: [1, 0.5, NaN, 0.2, NaN, 0.1] }], { title: "t" });
    assert.equal(lone.match(/<circle /g)?.length, 2, "0.2 and 0.1 have no neighbour to join: each is a dot");
    assert.equal(lineChart([{ name: "one", y: [4] }], { title: "t" }).match(/<circle /g)?.length, 1);
  });
  it("a long series is decimated to the pixel columns and keeps its spikes", () => {
    const y = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 1000) + (i === 54_321 ? 50 : 0));
    const svg = lineChart([{ name: "s", y }], { title: "t", width: 640 });
    const d = svg.match(/<path d="([^"]*)"/)![1]!;
    const pts = d
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(",").map(Number));
    assert.ok(pts.length <= 4 * 640, `${pts.length} points drawn`);
    const top = Math.min(...pts.map((p) => p[1]!));
    // the plot spans y 36 to 312 with 5% padding above and below the data
    assert.ok(close(top, 36 + (276 * 0.05) / 1.1, 0.1), `the spike reaches the top of the plot (y ${top})`);
  });
});
