// softmax and logSoftmax on lines holding infinities or NaN, against PyTorch 1.13.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";

const inf = Infinity;

describe("softmax / logSoftmax with non-finite lines (against PyTorch 1.13)", () => {
  // torch.log_softmax / softmax of each row: a +inf, or only -inf, makes the whole line NaN
  // (inf - inf); a -inf among finite values gives -inf / 0 there.
  const rows = [
    [-inf, -inf, -inf],
    [inf, 1, 2],
    [inf, 1, -inf],
    [Number.NaN, 1, 2],
    [-inf, 1, 2],
  ];
  const logWant = [
    [Number.NaN, Number.NaN, Number.NaN],
    [Number.NaN, Number.NaN, Number.NaN],
    [Number.NaN, Number.NaN, Number.NaN],
    [Number.NaN, Number.NaN, Number.NaN],
    [-inf, -1.3132616875182228, -0.31326168751822286],
  ];
  it("float64 rows (dim -1) and columns (dim 0)", () => {
    const x = tl.tensor(rows, { dtype: "float64" });
    const check = (got: tl.Tensor, want: number[][], f: (v: number) => number) => {
      const g = got.toArray() as number[][];
      want.forEach((row, i) =>
        row.forEach((w, j) => {
          const v = f(w);
          assert.ok(
            Number.isNaN(v) ? Number.isNaN(g[i]![j]!) : g[i]![j] === v || Math.abs(g[i]![j]! - v) <= 1e-15,
            `[${i}][${j}]: ${g[i]![j]} vs ${v}`,
          );
        }),
      );
    };
    check(tl.logSoftmax(x, -1), logWant, (v) => v);
    check(tl.softmax(x, 1), logWant, Math.exp);
    check(tl.logSoftmax(x.t(), 0).t(), logWant, (v) => v);
  });
  it("float32 columns (a line across rows)", () => {
    const x = tl.tensor(rows, { dtype: "float32" }).t();
    const got = tl.softmax(x, 0).t().toArray() as number[][];
    for (let i = 0; i < 4; i++) assert.ok(got[i]!.every(Number.isNaN), `row ${i}: ${got[i]}`);
    assert.deepEqual(got[4]![0], 0);
  });
});
