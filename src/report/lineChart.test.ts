import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lineChart } from "./lineChart.js";

describe("lineChart", () => {
  it("draws one path per series with a legend entry, escaping text", () => {
    const svg = lineChart(
      [
        { name: "a<b", y: [1, 2, 3] },
        { name: "c", y: [3, 1, 2] },
      ],
      { title: "t & u" },
    );
    assert.equal(svg.match(/<path /g)?.length, 2);
    assert.match(svg, /a&lt;b/);
    assert.match(svg, /t &amp; u/);
  });
  it("places log-axis ticks on powers of ten and drops non-positive values", () => {
    const svg = lineChart([{ name: "g", y: [1e-6, 1e-3, 0, 1] }], { title: "norms", logY: true });
    for (const label of ["1e-6", "0.001", "1"]) assert.match(svg, new RegExp(`>${label}</text>`));
    assert.equal((svg.match(/<path d="([^"]*)"/)?.[1] ?? "").split("L").length, 3); // the 0 is skipped
  });
  it("a log axis spanning less than a 1-2-5 step still gets labelled ticks", () => {
    const svg = lineChart([{ name: "loss", y: [0.92, 0.7, 0.6, 0.55] }], { title: "t", logY: true });
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => Number(m[1]));
    assert.ok(labels.length >= 2 && labels.every((v) => v >= 0.5 && v <= 1), String(labels));
  });
});

describe("lineChart and reports on narrow screens", () => {
  it("labelled x ticks (dates), dashed series, legend below, and an SVG that scales down", () => {
    const svg = lineChart(
      [
        { name: "actual", x: [0, 1, 2], y: [1, 2, 3] },
        { name: "naive", x: [1, 2], y: [2, 2], dash: "5 4" },
      ],
      {
        title: "t",
        xTicks: [
          { at: 0, label: "1959-01" },
          { at: 2, label: "1959-03" },
          { at: 9, label: "outside" },
        ],
        legend: "bottom",
        width: 400,
      },
    );
    assert.match(svg, /viewBox="0 0 400 \d+"/);
    assert.match(svg, /style="max-width:100%;height:auto"/);
    assert.match(svg, />1959-01<\/text>/);
    assert.doesNotMatch(svg, /outside/);
    assert.match(svg, /stroke-dasharray="5 4"/);
  });
  it("heatmaps and image grids scale too; the page has a viewport and splits paragraphs", async () => {
    const { heatmap, imageGrid, htmlReport } = await import("./index.js");
    for (const svg of [
      heatmap(
        [
          [1, 2],
          [3, 4],
        ],
        { title: "h" },
      ),
      imageGrid(
        [
          [
            [0, 1],
            [1, 0],
          ],
        ],
        { title: "g" },
      ),
    ])
      assert.match(svg, /viewBox="0 0 \d+ \d+" style="max-width:100%;height:auto"/);
    const html = htmlReport("r", [["k", "v"]], [{ heading: "s", text: "one\n\ntwo", figures: [] }]);
    assert.match(html, /<meta name="viewport" content="width=device-width/);
    assert.match(html, /<p>one<\/p><p>two<\/p>/);
    assert.match(html, /svg\{max-width:100%;height:auto\}/);
  });
});
