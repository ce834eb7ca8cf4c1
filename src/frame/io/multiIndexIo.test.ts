// Reading a MultiIndex back, against pandas 1.5 (scripts/fixtures/frame_multiindex_io.py ->
// test/fixtures/frame_multiindex_io.json): readCsv with indexCol as a list (row levels) and header
// as a list (column levels and the row of index names toCsv writes), on texts pandas' to_csv wrote
// from the shared data sets and on tricky texts; readJson of toJson's MultiIndex output per orient.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type DataFrame,
  type FrameDType,
  type ReadCsvOptions,
  readCsv,
  readCsvChunks,
  readCsvStream,
  readJson,
  type JsonOrient,
} from "../index.js";
import { indexLevels, indexNames } from "../labels.js";
import { columnTuples } from "../multiIndex.js";
import { pandasDtype } from "../verbs/describe.js";
import { columnValuesEqual, fixtureCases, frameLevelsEqual, rstrip, throwsFrame } from "../testing.test.js";

interface MFrame {
  columns: unknown[][];
  column_names: (string | null)[];
  index: unknown[][];
  index_names: (string | null)[];
  index_dtypes: string[];
  dtypes: string[];
  data: unknown[][];
  text: string;
  csv: string;
}
interface Outcome {
  frame?: MFrame;
  error?: string;
  message?: string;
}
interface CsvCase extends Outcome {
  text: string;
  options: Record<string, unknown>;
}
interface JsonCase extends Outcome {
  json: string;
  orient: JsonOrient;
  original: MFrame;
}

const cases = fixtureCases("frame_multiindex_io.json");
/** Row and column levels (labels with their types, names), row level and column dtypes, values, the printed form. */
function mframeEqual(df: DataFrame, e: MFrame, opts: { text?: boolean } = {}): void {
  frameLevelsEqual(df, e);
  assert.deepEqual(indexLevels(df.index).map(pandasDtype), e.index_dtypes, "index level dtypes");
  assert.deepEqual(df.data.map(pandasDtype), e.dtypes, "column dtypes");
  columnValuesEqual(df, e.data);
  if (opts.text ?? true) assert.equal(rstrip(df.toString()), rstrip(e.text), "printed form");
}

function csvOptions(p: Record<string, unknown>): ReadCsvOptions {
  const keys: Record<string, keyof ReadCsvOptions> = {
    index_col: "indexCol",
    header: "header",
    usecols: "usecols",
    names: "names",
    skiprows: "skipRows",
    sep: "sep",
    nrows: "nrows",
    // dtype as [[labels], dtype] pairs: a Map keyed by the labels, as pandas' tuple keys
    dtype: "dtype",
    parse_dates: "parseDates",
  };
  return Object.fromEntries(
    Object.entries(p).map(([k, v]) => {
      assert.ok(keys[k], `unmapped pandas option ${k}`);
      return [keys[k], k === "dtype" ? new Map(v as [string[], FrameDType][]) : v];
    }),
  );
}

const csvCases = Object.entries(cases).filter(([k]) => k.startsWith("csv_")) as [string, CsvCase][];
const jsonCases = Object.entries(cases).filter(([k]) => k.startsWith("json_")) as [string, JsonCase][];

describe("readCsv builds row levels (indexCol list) and column levels (header list) as pandas' read_csv", () => {
  for (const [name, c] of csvCases) {
    const opts = csvOptions(c.options);
    if (c.error) {
      it(`${name.slice(4)}: refused, as pandas (${c.error})`, () =>
        throwsFrame(() => readCsv(c.text, opts), /^readCsv: .*(Pass|pass|Check)/));
      continue;
    }
    it(name.slice(4), () => {
      const df = readCsv(c.text, opts);
      // (an empty frame prints its column levels as flat names, where pandas prints tuples)
      mframeEqual(df, c.frame!, { text: df.length > 0 });
      // written again, it is pandas' text; read again with a column per row level and a header
      // row per column level, the same frame
      assert.equal(df.toCsv({ sep: opts.sep }), c.frame!.csv.replaceAll(",", opts.sep ?? ","), "toCsv of the frame read");
      // (labels that look like pandas' placeholders for blank cells are numbered again when read back)
      if (c.frame!.columns.flat().some((k) => String(k).startsWith("Unnamed: "))) return;
      const levels = (n: number) => Array.from({ length: n }, (_, l) => l);
      const depth = df.columnIndex?.kind === "multi" ? df.columnIndex.cols.length : 1;
      const back = readCsv(df.toCsv(), {
        indexCol: levels(indexLevels(df.index).length),
        header: depth > 1 ? levels(depth) : 0,
        dtype: opts.dtype,
        parseDates: opts.parseDates,
      });
      mframeEqual(back, c.frame!, { text: df.length > 0 });
    });
  }
  it("the error for a repeated, unknown or out-of-range index column names the fix", () => {
    const t = "a,b,c\n1,2,3\n";
    throwsFrame(() => readCsv(t, { indexCol: [0, 0] }), /indexCol \[0,0\] has 0 twice/, /Pass each index column once/);
    throwsFrame(() => readCsv(t, { indexCol: [0, 7] }), /has 7, not a column read \(a, b, c\)/, /0\.\.2/);
    throwsFrame(() => readCsv(t, { indexCol: ["a", "zz"] }), /no column named "zz"/);
    throwsFrame(() => readCsv("a,b\nx,y\n1,2\n", { header: [0, 1], indexCol: ["a"] }), /index_col must only contain row numbers/);
    throwsFrame(() => readCsv("a,b\nx,y\n1,2\n", { header: [1, 0] }), /increasing row numbers/);
  });
  it("chunked and streamed reads keep the levels and the index dtypes in every chunk", async () => {
    const c = cases.csv_rt_both as CsvCase;
    const all = readCsv(c.text, csvOptions(c.options));
    const text = `${c.text}B,H,1.5,2,3\n`;
    const chunks = [...readCsvChunksOf(text, csvOptions(c.options))];
    assert.equal(chunks.length, 4);
    const pieces = Array.from({ length: Math.ceil(text.length / 7) }, (_, k) => text.slice(k * 7, k * 7 + 7));
    for await (const ch of readCsvStream(pieces, { ...csvOptions(c.options), chunkSize: 2 })) chunks.push(ch);
    assert.equal(chunks.length, 8);
    for (const ch of chunks) {
      assert.deepEqual(columnTuples(ch.columnIndex!), columnTuples(all.columnIndex!));
      assert.deepEqual(indexNames(ch.index), ["wool", "tension"]);
      assert.deepEqual(ch.data.map(pandasDtype), ["float64", "int64", "int64"]);
    }
  });
});

describe("readCsv's dtype and parseDates under a header list take labels (pandas' tuples) or flat names", () => {
  const text = "i,a,a,b\nj,x,y,z\nk,,,\n1,1,2,2020-01-01\n2,3,,2020-01-02\n3,5,6,2020-01-03\n";
  const base: ReadCsvOptions = { header: [0, 1], indexCol: 0 };
  it("the flat names give the same frame as the labels", () => {
    const byLabels = readCsv(text, { ...base, dtype: new Map([[["a", "x"], "float64"]]), parseDates: [["b", "z"]] });
    const byNames = readCsv(text, { ...base, dtype: { a_x: "float64" }, parseDates: ["b_z"] });
    assert.deepEqual(byLabels.data.map(pandasDtype), ["float64", "float64", "datetime64[ns]"]);
    assert.equal(byNames.toCsv(), byLabels.toCsv());
    assert.deepEqual(byNames.data.map(pandasDtype), byLabels.data.map(pandasDtype));
  });
  it("a Map may mix labels and flat names; chunked and streamed reads keep its dtypes", async () => {
    const opts: ReadCsvOptions = {
      ...base,
      dtype: new Map<string | string[], FrameDType>([
        [["a", "x"], "string"],
        ["a_y", "float64"],
      ]),
      parseDates: [["b", "z"]],
    };
    const all = readCsv(text, opts);
    assert.deepEqual(all.data.map(pandasDtype), ["object", "float64", "datetime64[ns]"]);
    const chunks = [...readCsvChunks(text, { ...opts, chunkSize: 1 })];
    for await (const ch of readCsvStream([text], { ...opts, chunkSize: 2 })) chunks.push(ch);
    assert.equal(chunks.length, 5);
    for (const ch of chunks) assert.deepEqual(ch.data.map(pandasDtype), ["object", "float64", "datetime64[ns]"]);
  });
  it("labels that name no column, or labels under a one-row header, are refused with the fix", () => {
    // (pandas ignores an unknown dtype key; here it is refused, as an unknown flat name is)
    throwsFrame(
      () => readCsv(text, { ...base, dtype: new Map([[["a", "q"], "float64"]]) }),
      /dtype names the column \["a","q"\], which is not one of the header's columns \(\["i","j"\], \["a","x"\]/,
      /Pass one label per header row/,
    );
    throwsFrame(() => readCsv(text, { ...base, parseDates: [["b"]] }), /parseDates names the column \["b"\]/);
    throwsFrame(
      () => readCsv("a,b\n1,2020-01-01\n", { parseDates: [["b"]] }),
      /labels \["b"\], but the header is one row/,
      /Pass the column's name/,
    );
    // a Map's flat names are checked as a Record's
    throwsFrame(() => readCsv(text, { ...base, dtype: new Map([["a_q", "float64"]]) }), /no column named "a_q"/);
  });
});

function readCsvChunksOf(text: string, opts: ReadCsvOptions): Iterable<DataFrame> {
  return readCsvChunks(text, { ...opts, chunkSize: 2 });
}

describe("readJson of toJson's MultiIndex output, per orient, as pandas 1.5's read_json", () => {
  for (const [name, c] of jsonCases) {
    if (c.error) {
      // pandas 1.5 takes "split"'s lists of labels as levels and fails; readJson rebuilds the MultiIndex
      it(`${name.slice(5)}: rebuilds the levels where pandas fails (${c.error})`, () => {
        const df = readJson(c.json, { orient: c.orient });
        const e = c.original;
        mframeEqual(
          df,
          { ...e, index_names: e.index_names.map(() => null), column_names: e.column_names.map(() => null) },
          { text: false },
        );
      });
      continue;
    }
    it(`${name.slice(5)}: tuple keys stay text labels, as pandas`, () =>
      mframeEqual(readJson(c.json, { orient: c.orient }), c.frame!, { text: false }));
  }
});
