import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { labCnn, maxDiff } from "../../shared/fixtures.js";
import { pooling, poolingPage } from "./pooling.js";

describe("lab page 6: pooling", () => {
  it("matches torch max_pool2d / avg_pool2d and their input gradients", () => {
    for (const c of labCnn().pool) {
      const r = pooling(c.input, c.dy, c);
      const what = `${c.mode} k=${c.kernelSize} s=${c.stride} p=${c.padding}`;
      assert.ok(maxDiff(r.output, c.output) < 1e-12, `${what}: output`);
      assert.ok(maxDiff(r.dx, c.dx) < 1e-12, `${what}: dX`);
    }
  });

  it("max pooling: each window's winner holds the maximum and receives that cell's dY", () => {
    const input = [
      [1, 9, 2, 0],
      [3, 4, 8, 1],
      [0, 2, 5, 6],
      [7, 1, 3, 2],
    ];
    const r = pooling(
      input,
      [
        [1, 2],
        [3, 4],
      ],
      { mode: "max", kernelSize: 2, stride: 2, padding: 0 },
    );
    assert.deepEqual(
      r.windows.map((w) => w.winner),
      [
        [0, 1],
        [1, 2],
        [3, 0],
        [2, 3],
      ],
    );
    for (const w of r.windows) assert.equal(input[w.winner![0]]![w.winner![1]], Math.max(...w.cells.map(([i, j]) => input[i]![j]!)));
    assert.deepEqual(r.dx, [
      [0, 1, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 4],
      [3, 0, 0, 0],
    ]);
  });

  it("the sequence gradient numbers the output cells 1, 2, 3... and each reaches its window's winner", () => {
    const r = poolingPage(6, { mode: "max", kernelSize: 2, stride: 2, padding: 0 });
    assert.deepEqual(r.dy, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    for (const w of r.windows) assert.equal(r.dx[w.winner![0]]![w.winner![1]], r.dy[w.index[0]]![w.index[1]]);
    assert.equal(
      r.dx.flat().reduce((a, b) => a + b, 0),
      45,
      "non-overlapping windows pass every dY on once",
    );
  });

  it("average pooling spreads dY / k² over the window", () => {
    const r = pooling(
      [
        [1, 2],
        [3, 4],
      ],
      "ones",
      { mode: "avg", kernelSize: 2, stride: 2, padding: 0 },
    );
    assert.deepEqual(r.output, [[2.5]]);
    assert.deepEqual(r.dx, [
      [0.25, 0.25],
      [0.25, 0.25],
    ]);
    assert.equal(r.windows[0]!.winner, null);
  });
});
