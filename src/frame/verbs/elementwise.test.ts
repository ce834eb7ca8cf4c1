// The element-wise kernels' word-at-a-time and one-pass paths against plain per-row references:
// lengths that are not a multiple of 4 or 8, inputs at odd byte offsets (views into a larger
// buffer), bytes other than 0/1, missing values.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Column, boolCol, floatCol, intCol, strCol } from "../column.js";
import { compare, logic } from "./arith.js";
import { fillColumn } from "./missing.js";
import { aggregate, oneGroup } from "../aggregates.js";
import { Series } from "../series.js";
import { groupIds } from "../keys.js";

let seed = 11;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const LENGTHS = [0, 1, 3, 4, 5, 7, 8, 9, 31, 64, 101];

describe("logic on bool columns", () => {
  const pool = Uint8Array.from({ length: 120 }, () => (rnd() < 0.5 ? 1 : 0));
  const other = Uint8Array.from({ length: 120 }, () => (rnd() < 0.5 ? 1 : 0));
  const ref = { and: (p: number, q: number) => p & q, or: (p: number, q: number) => p | q, xor: (p: number, q: number) => p ^ q };
  for (const op of ["and", "or", "xor"] as const)
    it(`${op}: rows at any offset and length, and with a constant`, () => {
      for (const length of LENGTHS)
        for (const [ox, oy] of [
          [0, 0],
          [1, 0],
          [0, 3],
          [2, 2],
        ] as const) {
          const x = pool.subarray(ox, ox + length),
            y = other.subarray(oy, oy + length);
          const got = logic(op, { col: boolCol(x), name: "x" }, { col: boolCol(y), name: "y" });
          assert.deepEqual(
            [...(got as { values: Uint8Array }).values],
            [...x].map((p, i) => ref[op](p, y[i]!)),
            `${op} ${length} ${ox}/${oy}`,
          );
          for (const b of [true, false]) {
            const c = logic(op, { col: boolCol(x), name: "x" }, b);
            assert.deepEqual(
              [...(c as { values: Uint8Array }).values],
              [...x].map((p) => ref[op](p, b ? 1 : 0)),
              `${op} ${b} ${length}`,
            );
          }
        }
    });
  it("a missing cell counts as false on either side", () => {
    const a = boolCol(Uint8Array.of(1, 1, 1, 0, 1), Uint8Array.of(1, 0, 1, 1, 1));
    const b = boolCol(Uint8Array.of(1, 1, 0, 1, 1), Uint8Array.of(1, 1, 1, 1, 0));
    assert.deepEqual([...(logic("and", { col: a, name: "a" }, { col: b, name: "b" }) as { values: Uint8Array }).values], [1, 0, 0, 0, 0]);
    assert.deepEqual([...(logic("or", { col: a, name: "a" }, { col: b, name: "b" }) as { values: Uint8Array }).values], [1, 1, 1, 1, 1]);
  });
});

describe("a text column against a constant", () => {
  const dict = ["b", "a", "c", "a2"];
  it("eq/ne/lt/ge by dictionary lookup, missing false (ne: true), any length", () => {
    for (const length of LENGTHS) {
      const codes = Int32Array.from({ length }, () => Math.floor(rnd() * 5) - 1);
      const c = strCol(codes, dict);
      const want = (op: string, v: string | undefined): number => {
        if (v === undefined) return op === "ne" ? 1 : 0;
        return +(op === "eq" ? v === "a" : op === "ne" ? v !== "a" : op === "lt" ? v < "a" : v >= "a");
      };
      for (const op of ["eq", "ne", "lt", "ge"] as const) {
        const got = (compare(op, { col: c, name: "s" }, "a") as { values: Uint8Array }).values;
        assert.deepEqual(
          [...got],
          [...codes].map((k) => want(op, k < 0 ? undefined : dict[k])),
          `${op} ${length}`,
        );
      }
    }
  });
  it("eq against null is false on every row", () => {
    const c = strCol(Int32Array.of(0, -1, 2, 1, 3), dict);
    assert.deepEqual([...(compare("eq", { col: c, name: "s" }, null) as { values: Uint8Array }).values], [0, 0, 0, 0, 0]);
  });
});

describe("fillna on float64", () => {
  it("fills NaN with the value (an integer or a fraction) and leaves the source as it was", () => {
    const v = Float64Array.of(NaN, 1.5, NaN, -0, 3, NaN);
    for (const value of [0, 2.25, -1]) {
      const out = fillColumn("fillna", floatCol(v), "x", value) as { values: Float64Array };
      assert.deepEqual([...out.values], [value, 1.5, value, -0, 3, value]);
      assert.ok(Object.is(out.values[3], -0));
      assert.notEqual(out.values, v);
    }
    assert.equal(v.filter((x) => x !== x).length, 3);
  });
});

describe("Series.sum", () => {
  // aggregate's group loop over ids: what the one-pass sum must match bit for bit
  const viaGroups = (col: Column): unknown => {
    const n = (col as { values: Float64Array }).values.length;
    return (aggregate("sum", "sum", col, "x", oneGroup(n)) as { values: Float64Array }).values[0];
  };
  it("float64 with NaN, int64 with and without missing cells, empty and all-missing columns", () => {
    const f = Float64Array.from({ length: 257 }, () => (rnd() < 0.1 ? NaN : rnd() * 1e6 - 5e5));
    const ints = Float64Array.from({ length: 99 }, () => Math.floor(rnd() * 1e9));
    const valid = Uint8Array.from({ length: 99 }, () => (rnd() < 0.2 ? 0 : 1));
    const cols: Column[] = [
      floatCol(f),
      floatCol(new Float64Array(0)),
      floatCol(Float64Array.of(NaN, NaN)),
      intCol(ints),
      intCol(ints, valid),
      intCol(Float64Array.of(5, 7), Uint8Array.of(0, 0)),
    ];
    for (const col of cols) {
      const got = Series.fromColumn(col, "x").sum();
      assert.ok(Object.is(got, viaGroups(col)), `${col.dtype}: ${got} vs ${viaGroups(col)}`);
    }
  });
  it("0 when nothing is present; int64 and bool sums are integers", () => {
    assert.equal(new Series([1.5, null, 2.25]).sum(), 3.75);
    assert.equal(new Series([null, null], { dtype: "float64" }).sum(), 0);
    assert.equal(new Series([3, null, 4], { dtype: "int64" }).sum(), 7);
    assert.equal(new Series([true, false, true]).sum(), 2);
  });
});

describe("group ids of several key columns", () => {
  // the one-table path (text, bool, narrow ints) against keys joined as text, numbered by first appearance
  const reference = (cols: (string | number | boolean | null)[][], dropNA: boolean) => {
    const seen = new Map<string, number>();
    return cols[0]!.map((_, i) => {
      const key = cols.map((c) => c[i]);
      if (dropNA && key.some((v) => v === null)) return -1;
      const t = JSON.stringify(key);
      if (!seen.has(t)) seen.set(t, seen.size);
      return seen.get(t)!;
    });
  };
  it("text, bool and int keys with missing cells, with and without dropNA", () => {
    const n = 300;
    const text = Array.from({ length: n }, () => (rnd() < 0.1 ? null : `k${Math.floor(rnd() * 5)}`));
    const flags = Array.from({ length: n }, () => (rnd() < 0.1 ? null : rnd() < 0.5));
    const ints = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 4) - 2));
    const cols = [new Series(text).col, new Series(flags, { dtype: "bool" }).col, new Series(ints, { dtype: "int64" }).col];
    for (const pick of [
      [0, 1],
      [1, 0],
      [0, 2],
      [2, 1, 0],
    ])
      for (const dropNA of [true, false]) {
        const got = groupIds(
          pick.map((j) => cols[j]!),
          dropNA,
        );
        const want = reference(
          pick.map((j) => [text, flags, ints][j]!),
          dropNA,
        );
        assert.deepEqual([...got.ids], want, `${pick} ${dropNA}`);
        assert.equal(got.n, Math.max(-1, ...want) + 1);
        assert.deepEqual(
          [...got.firstRow],
          [...Array(got.n).keys()].map((g) => want.indexOf(g)),
        );
      }
  });
});
