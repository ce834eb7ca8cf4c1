// groupby over a CSV several times larger than the JS heap: the sales table at --rows rows (4M
// rows: ~236 MB) in a temporary folder, read in chunks under node --max-old-space-size=--heap
// (default 64 MB), aggregated with groupbyChunks; peak RSS from getrusage (maxrss). The same CSV is
// also streamed into a Parquet file (writeParquet over the chunks) and aggregated again from its
// row groups, and the in-memory path (readCsvFile + groupby, no heap limit) is measured for
// comparison; all three results must agree.
//
//   node --import tsx bench/frame/chunked.ts [--rows 4000000] [--heap 64] [--chunk 100000]

import { arg, args, report, resultOf, runScript } from "./child.js";
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { salesCsv } from "./salesData.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(arg("--rows", "4000000"));
const HEAP = Number(arg("--heap", "64"));
const CHUNK = Number(arg("--chunk", "100000"));
const DIR = arg("--dir", join(tmpdir(), "tensorloom-chunked"));

// the schema is fixed up front, as for any file read in chunks (see docs/FRAME.md)
const DTYPE = {
  id: "int64",
  ts: "datetime",
  category: "string",
  city: "string",
  qty: "int64",
  price: "float64",
  discount: "float64",
  flag: "bool",
} as const;
const SPEC = { qty: ["sum", "mean"], price: ["min", "max", "mean"], discount: "count" } as const;

async function child(mode: string): Promise<void> {
  const { groupbyChunks } = await import("../../src/frame/io/chunks.js");
  const { readCsvFile, readCsvFileChunks } = await import("../../src/frame/io/node.js");
  const { readParquetRowGroups, writeParquet } = await import("../../src/frame/io/parquet.js");
  const { sales } = await salesCsv(ROWS, DIR);
  const parquet = join(DIR, `sales-${ROWS}.parquet`);
  const spec = SPEC as unknown as Record<string, ("sum" | "mean" | "min" | "max" | "count")[] | "count">;
  const t = performance.now();
  let result: Awaited<ReturnType<typeof groupbyChunks>> | null;
  if (mode === "csv") result = await groupbyChunks(readCsvFileChunks(sales, { chunkSize: CHUNK, dtype: { ...DTYPE } }), "city", spec);
  else if (mode === "toParquet") {
    await writeParquet(readCsvFileChunks(sales, { chunkSize: CHUNK, dtype: { ...DTYPE } }), parquet, { rowGroupSize: CHUNK });
    result = null;
  } else if (mode === "parquet")
    result = await groupbyChunks(readParquetRowGroups(parquet, { columns: ["city", "qty", "price", "discount"] }), "city", spec);
  else
    result = readCsvFile(sales, { dtype: { ...DTYPE } })
      .groupby("city")
      .agg(spec);
  const ms = performance.now() - t;
  const out = {
    mode,
    ms: Math.round(ms),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapLimitMB: Math.round((await import("node:v8")).getHeapStatistics().heap_size_limit / 2 ** 20),
    groups: result?.length ?? 0,
    check: result ? result.col("qty_sum").sum() + result.col("price_max").sum() : 0,
    parquetMB: mode === "toParquet" ? +(statSync(parquet).size / 2 ** 20).toFixed(1) : undefined,
  };
  report(out);
}

async function main(): Promise<void> {
  if (args.includes("--child")) return child(arg("--child", "csv"));
  mkdirSync(DIR, { recursive: true });
  const { sales } = await salesCsv(ROWS, DIR);
  const csvMB = statSync(sales).size / 2 ** 20;
  const rows: Record<string, unknown>[] = [];
  for (const [mode, heap] of [
    ["csv", HEAP],
    ["toParquet", HEAP],
    ["parquet", HEAP],
    ["inMemory", 16384],
  ] as const) {
    const r = runScript(import.meta.url, ["--child", mode, "--rows", String(ROWS), "--chunk", String(CHUNK), "--dir", DIR], {
      heapMB: heap,
      exposeGc: false,
      cwd: here,
    });
    rows.push(resultOf<Record<string, unknown>>(r) ?? { mode, error: (r.stderr ?? "").slice(-600) });
    console.error(rows.at(-1));
  }
  const checks = rows.filter((r) => typeof r.groups === "number" && r.groups > 0).map((r) => r.check as number);
  const agree = checks.every((c) => Math.abs(c - checks[0]!) <= 1e-9 * Math.abs(checks[0]!));
  const lines = [
    `CSV: ${ROWS} rows, ${csvMB.toFixed(0)} MB (${(csvMB / HEAP).toFixed(1)}x the ${HEAP} MB heap limit); chunks of ${CHUNK} rows; node ${process.version}; results agree: ${agree}`,
    "",
    "| run | --max-old-space-size MB (V8's whole heap limit) | time ms | peak RSS MB | groups |",
    "|---|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${r.mode === "inMemory" ? "16384" : HEAP} (${r.heapLimitMB ?? "-"}) | ${r.ms ?? "-"} | ${r.peakRssMB ?? "-"} | ${r.groups ?? r.error} |`,
    ),
  ];
  console.log(lines.join("\n"));
  mkdirSync(join(here, "out"), { recursive: true });
  writeFileSync(join(here, "out", `chunked-${ROWS}.md`), lines.join("\n") + "\n");
  if (!args.includes("--keep")) rmSync(DIR, { recursive: true, force: true });
}

await main();
