import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lineChart } from "./lineChart.js";

describe("lineChart", () => {
  it("draws one path per series with a legend entry, escaping text", () => {
    const svg = lineChart([{ name: "a<b", y: [1, 2, 3] }, { name: "c", y: [3, 1, 2] }], { title: "t & u" });
    assert.equal(svg.match(/<path /g)?.length, 2);
    assert.match(svg, /a&lt;b/);
    assert.match(svg, /t &amp; u/);
  });
  it("places log-axis ticks on powers of ten and drops non-positive values", () => {
    const svg = lineChart([{ name: "g", y: [1e-6, 1e-3, 0, 1] }], { title: "norms", logY: true });
    for (const label of ["1e-6", "0.001", "1"]) assert.match(svg, new RegExp(`>${label}</text>`));
    assert.equal((svg.match(/<path d="([^"]*)"/)?.[1] ?? "").split("L").length, 3); // the 0 is skipped
  });
});
