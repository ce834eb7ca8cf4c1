// The truncated-BPTT page: steps before each chunk are marked cut, the norms inside a chunk are
// full BPTT's, and a chunk as long as the series is full BPTT.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fullBpttNorms, truncatedGradients, type TruncationOptions } from "./truncation.js";

const series = Array.from({ length: 25 }, (_, t) => Math.sin((2 * Math.PI * t) / 12) + 0.04 * t - 0.5);
const T = series.length - 1;

describe("lab 11 truncated BPTT", () => {
  for (const kind of ["RNN", "LSTM", "GRU"] as const) {
    const opts: TruncationOptions = { kind, chunk: 5, hidden: 4, seed: 2 };
    it(`${kind}, k = 5: chunk j's row is cut before its start, traced inside, unreached after`, () => {
      const r = truncatedGradients(series, opts);
      assert.equal(r.rows.length, Math.ceil(T / 5));
      for (const row of r.rows) {
        row.cells.forEach((c, t) => {
          const want = t < row.chunk.start ? "cut" : t < row.chunk.end ? "norm" : "none";
          assert.equal(c.kind, want, `chunk ${row.chunk.index}, t=${t + 1}`);
        });
      }
      assert.ok(r.cosine < 1 - 1e-6, `truncation changes the gradient (cosine ${r.cosine})`);
    });
    it(`${kind}, k = 5: inside a chunk the norms equal full BPTT's for the same loss, which also reaches the cut steps`, () => {
      const r = truncatedGradients(series, opts);
      const row = r.rows[2]!;
      const full = fullBpttNorms(series, opts, row.chunk);
      row.cells.forEach((c, t) => {
        if (c.kind === "norm") assert.ok(Math.abs(c.norm - full[t]!) <= 1e-5 * full[t]!, `t=${t + 1}: ${c.norm} vs full ${full[t]}`);
        if (c.kind === "cut") assert.ok(full[t]! > 0, `full BPTT reaches t=${t + 1}`);
      });
    });
  }
  it("a chunk as long as the series is full BPTT: nothing cut, the same gradient", () => {
    const r = truncatedGradients(series, { kind: "GRU", chunk: T, hidden: 4, seed: 2 });
    assert.equal(r.rows.length, 1);
    assert.ok(r.rows[0]!.cells.every((c) => c.kind === "norm"));
    assert.ok(Math.abs(r.cosine - 1) < 1e-6 && Math.abs(r.normRatio - 1) < 1e-5, `cosine ${r.cosine}, ratio ${r.normRatio}`);
  });
});
