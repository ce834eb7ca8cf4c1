// The CSV fuzzer in npm test: a self-check of its reference parts, a seeded subset of the
// generated cases (the full run is `npm run fuzz:csv`), and readCsv against pandas 1.5's
// read_csv on the committed sample from scripts/fixtures/make_csv_fuzz_refs.py.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readCsv, type ReadCsvOptions } from "../index.js";
import { cell } from "../column.js";
import { TensorloomError } from "../../tensor/errors.js";
import { CLASSES, type ModelFrame, type Split, makeCase, model, modelNames, runWithWatchdog, splitRfc4180 } from "./csvFuzzKit.test.js";

const SEED = 20261207;
/** Cases in the npm-test subset (~5-15 s); the full run takes 12,000. */
const SUBSET = 1200;
// readCsv runs no tensor kernel, so the child-process runs go once, with the reference backend
const once = process.env.TENSORLOOM_BACKEND === "wasm" ? { skip: "no tensor kernels: run once, on the reference backend" } : {};

describe("CSV fuzzer", () => {
  it("self-check: the splitter, the model and the generator on hand-made texts", () => {
    assert.deepEqual(splitRfc4180('a,b\r\n"x,""y""",\r\n\r\n  \n1,2', ","), {
      rows: [{ cells: ["a", "b"] }, { cells: ['x,"y"', ""] }, { cells: ["1", "2"] }],
    });
    assert.equal(splitRfc4180('a\n"x"y', ","), "text after a closing quote");
    assert.equal(splitRfc4180('a\n"x', ","), "a quoted field is never closed");
    assert.deepEqual(modelNames(["a", "a", "a.1", "a", ""]), ["a", "a.2", "a.1", "a.3", "Unnamed: 4"]);
    const m = model(splitRfc4180("a,b,c\nNA,1,True\n1.5,x,\n", ",") as Split) as ModelFrame;
    assert.deepEqual(m.dtypes, ["float64", "string", "bool"]);
    assert.deepEqual(m.values, [
      [NaN, 1.5],
      ["1", "x"],
      [true, null],
    ]);
    assert.deepEqual(makeCase(1, 5), makeCase(1, 5));
  });

  it(`${SUBSET} generated cases: no crash, hang, silent difference, refused valid input or changed round trip`, once, async (t) => {
    const s = await runWithWatchdog(SEED, 0, SUBSET);
    t.diagnostic(`counts: ${CLASSES.map((k) => `${k} ${s.counts[k]}`).join(", ")}; shapes: ${JSON.stringify(s.shapes)}`);
    assert.equal(
      CLASSES.reduce((a, k) => a + s.counts[k], 0),
      SUBSET,
    );
    assert.deepEqual(
      s.failures.map((f) => `#${f.i} ${f.cls}: ${f.detail.split("\n")[0]} in ${JSON.stringify(f.input)}`),
      [],
    );
    // the stream covers what it is meant to: valid texts judged cell by cell, refusals, every shape
    assert.ok(s.counts.ok > SUBSET * 0.8, `ok ${s.counts.ok}`);
    assert.ok(s.counts["refused invalid"] > 0);
    for (const shape of ["small", "wide", "tall", "noise"]) assert.ok((s.shapes[shape] ?? 0) > 0, shape);
  });

  it("the watchdog counts a case that never returns as a hang and goes on with the next", once, async () => {
    const s = await runWithWatchdog(SEED, 0, 5, 1500, ["--hang-at", "0"]);
    assert.equal(s.counts.hang, 1);
    assert.equal(
      CLASSES.reduce((a, k) => a + s.counts[k], 0),
      5,
    );
    assert.deepEqual(
      s.failures.map((f) => [f.i, f.cls]),
      [[0, "hang"]],
    );
  });
});

interface PandasOptions {
  keep_default_na?: boolean;
  na_values?: string[];
  header?: null;
  usecols?: string[];
  nrows?: number;
  on_bad_lines?: "skip";
}
interface PandasCase {
  text: string;
  sep: string;
  options: PandasOptions;
  pandas: { columns: string[]; dtypes: string[]; values: unknown[][] | null; rows: number } | { error: string };
}

function optionsOf(c: PandasCase): ReadCsvOptions {
  const p = c.options,
    o: ReadCsvOptions = { sep: c.sep };
  if (p.keep_default_na !== undefined) o.keepDefaultNa = p.keep_default_na;
  if (p.na_values) o.naValues = p.na_values;
  if ("header" in p) o.header = null;
  if (p.usecols) o.usecols = p.usecols;
  if (p.nrows !== undefined) o.nrows = p.nrows;
  if (p.on_bad_lines) o.onBadLines = p.on_bad_lines;
  return o;
}

describe("readCsv against pandas 1.5 on the committed fuzz sample", () => {
  const file = new URL("../../../test/fixtures/csv_fuzz/pandas_sample.json.gz", import.meta.url);
  const sample = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { cases: PandasCase[] };
  it(`${sample.cases.length} texts: the same columns, dtypes and cells`, (t) => {
    let compared = 0,
      pandasCrBug = 0,
      boolWithMissing = 0,
      withOptions = 0;
    const diffs: string[] = [];
    for (const [k, c] of sample.cases.entries()) {
      let df: ReturnType<typeof readCsv>;
      try {
        df = readCsv(c.text, optionsOf(c));
      } catch (e) {
        assert.ok(e instanceof TensorloomError, `case ${k}: ${String(e)}`);
        if (!("error" in c.pandas))
          diffs.push(`case ${k}: readCsv refused (${(e as Error).message}) what pandas reads: ${JSON.stringify(c.text)}`);
        continue;
      }
      // pandas 1.5 refuses or misreads texts with CR-only line breaks where a line starts with a
      // space or tab (its whitespace-line check steps back to a line feed that is not there) or
      // follows a blank line (a leading empty field is lost: "a;b\r1;2\r\r;3" gives [3, NaN])
      if (/\r(?!\n)[ \t]|\r\r/.test(c.text)) {
        pandasCrBug++;
        continue;
      }
      if ("error" in c.pandas) {
        diffs.push(`case ${k}: pandas refused (${c.pandas.error}) what readCsv reads: ${JSON.stringify(c.text)}`);
        continue;
      }
      const p = c.pandas;
      compared++;
      if (Object.keys(c.options).length) withOptions++;
      const label = `case ${k} ${JSON.stringify(c.text.slice(0, 200))}`;
      if (JSON.stringify(df.columns) !== JSON.stringify(p.columns)) {
        diffs.push(`${label}: columns ${JSON.stringify(df.columns)} != ${JSON.stringify(p.columns)}`);
        continue;
      }
      if (df.length !== p.rows) {
        diffs.push(`${label}: rows ${df.length} != ${p.rows}`);
        continue;
      }
      df.data.forEach((col, j) => {
        const pd = p.dtypes[j]!,
          vals = p.values?.[j];
        // documented difference: a bool column with missing values stays bool with a mask (pandas: object)
        const boolObject = pd === "object" && col.dtype === "bool" && vals?.every((v) => v === null || typeof v === "boolean");
        if (boolObject) boolWithMissing++;
        const same = pd === col.dtype || (pd === "object" && col.dtype === "string") || boolObject;
        if (!same) {
          diffs.push(`${label}: column ${j} dtype ${col.dtype} != pandas ${pd}`);
          return;
        }
        if (!vals) return;
        for (let i = 0; i < df.length; i++) {
          const got = cell(col, i),
            want = vals[i];
          const ok =
            want === null
              ? got === null || (typeof got === "number" && got !== got)
              : typeof got === "string"
                ? got === want
                : want === "inf" || want === "-inf"
                  ? got === (want === "inf" ? Infinity : -Infinity)
                  : // pandas' default float parser (float_precision=None) drops digits (off by ~1e-13 relative);
                    // readCsv rounds correctly, as float_precision="round_trip" (the fuzzer checks that exactly)
                    typeof want === "number"
                    ? typeof got === "number" && Math.abs(got - want) <= 1e-12 * Math.abs(want)
                    : got === want;
          if (!ok) {
            diffs.push(`${label}: column ${j} row ${i}: ${JSON.stringify(got)} != pandas ${JSON.stringify(want)}`);
            return;
          }
        }
      });
    }
    t.diagnostic(
      `compared ${compared} (${withOptions} with options), skipped for pandas' CR-only line-break bugs ${pandasCrBug}, bool columns with missing values ${boolWithMissing}`,
    );
    assert.deepEqual(diffs.slice(0, 10), []);
    assert.ok(compared > 1300, `compared ${compared}`);
  });
});
