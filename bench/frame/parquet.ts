// Parquet candidates for tensorloom/frame/parquet, measured on the benchmark's 1M-row sales table:
// hyparquet + hyparquet-writer (pure JS; the path src/frame/io/parquet.ts takes) against
// parquet-wasm (Rust arrow/parquet compiled to wasm, through Arrow IPC and apache-arrow).
// Each library and each direction runs in its own process, so peak RSS (getrusage maxrss) is its own:
// "write" reads the CSV (typed columns, dates parsed), then writes Parquet; "read" reads that file.
// Times are medians after warm-up runs (V8 tiering settles after a few).
//
//   node --import tsx bench/frame/parquet.ts [--rows 1000000] [--reps 5]

import { arg, args, median, report, resultOf, runScript } from "./child.js";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { salesCsv } from "./salesData.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(arg("--rows", "1000000"));
const REPS = Number(arg("--reps", "5"));
const OUT = join(here, "out");
const LIBS = ["hyparquet", "parquet-wasm"] as const;
const fileOf = (lib: string) => join(OUT, `sales-${ROWS}.${lib}.parquet`);

const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function timeIt(f: () => unknown): number {
  const t: number[] = [];
  for (let r = 0; r < REPS + 2; r++) {
    const s = performance.now();
    f();
    if (r >= 2) t.push(performance.now() - s);
  }
  return median(t);
}

async function codec(lib: string) {
  const frame = await import("../../src/frame/index.js");
  if (lib === "hyparquet") {
    const pq = await import("../../src/frame/io/parquet.js");
    return {
      write: async (df: InstanceType<typeof frame.DataFrame>) => pq.toParquet(df),
      read: async (b: Uint8Array) => pq.readParquet(b),
      lib: null,
    };
  }
  const pw = await import("parquet-wasm");
  const arrow = await import("../../src/frame/io/arrow.js");
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).build();
  return {
    write: async (df: InstanceType<typeof frame.DataFrame>) => pw.writeParquet(pw.Table.fromIPCStream(arrow.toArrowIPC(df)), props),
    read: async (b: Uint8Array) => arrow.readArrowIPC(pw.readParquet(b).intoIPCStream()),
    // parquet-wasm's own share: Parquet <-> Arrow IPC bytes, without the Arrow <-> frame conversion
    lib: {
      write: (df: InstanceType<typeof frame.DataFrame>) => {
        const ipc = arrow.toArrowIPC(df);
        return () => pw.writeParquet(pw.Table.fromIPCStream(ipc), props);
      },
      read: (b: Uint8Array) => () => pw.readParquet(b).intoIPCStream(),
    },
  };
}

async function child(lib: string, mode: "write" | "read"): Promise<void> {
  const { readCsv } = await import("../../src/frame/index.js");
  const c = await codec(lib);
  const result: Record<string, number | string> = {};
  const times: number[] = [];
  if (mode === "write") {
    const df = readCsv(readFileSync((await salesCsv(ROWS, OUT)).sales, "utf8"), { parseDates: ["ts"] });
    gc();
    result.rssBeforeMB = Math.round(process.memoryUsage().rss / 2 ** 20);
    let bytes: Uint8Array = new Uint8Array();
    for (let r = 0; r < REPS + 2; r++) {
      const t = performance.now();
      bytes = await c.write(df);
      if (r >= 2) times.push(performance.now() - t);
    }
    writeFileSync(fileOf(lib), bytes);
    result.writeMs = median(times);
    if (c.lib) result.libWriteMs = timeIt(c.lib.write(df));
    result.fileMB = +(bytes.length / 2 ** 20).toFixed(1);
  } else {
    const bytes = new Uint8Array(readFileSync(fileOf(lib)));
    gc();
    result.rssBeforeMB = Math.round(process.memoryUsage().rss / 2 ** 20);
    let rows = 0;
    for (let r = 0; r < REPS + 2; r++) {
      const t = performance.now();
      const df = await c.read(bytes);
      if (r >= 2) times.push(performance.now() - t);
      rows = df.length;
      if (r === 0) result.dtypes = df.names.map((k, j) => `${k}:${df.data[j]!.dtype}`).join(" ");
    }
    if (rows !== ROWS) throw new Error(`${lib} read ${rows} rows, expected ${ROWS}`);
    result.readMs = median(times);
    if (c.lib) result.libReadMs = timeIt(c.lib.read(bytes));
  }
  result.peakRssMB = peakMB();
  report(result);
}

async function main(): Promise<void> {
  if (args.includes("--child")) return child(arg("--child", ""), arg("--mode", "read") as "write" | "read");
  const { sales } = await salesCsv(ROWS, OUT);
  const results: Record<string, Record<string, number | string>> = {};
  for (const lib of LIBS) {
    for (const mode of ["write", "read"] as const) {
      const r = runScript(import.meta.url, ["--child", lib, "--mode", mode, "--rows", String(ROWS), "--reps", String(REPS)], {
        heapMB: 16384,
        cwd: here,
      });
      const got = resultOf<Record<string, number | string>>(r);
      if (!got) throw new Error(`${lib} ${mode}: ${r.stderr?.slice(-800)}`);
      results[lib] = {
        ...results[lib],
        ...Object.fromEntries(Object.entries(got).map(([k, v]) => [k === "rssBeforeMB" || k === "peakRssMB" ? `${mode}_${k}` : k, v])),
      };
    }
  }
  const keys = [
    "writeMs",
    "readMs",
    "libWriteMs",
    "libReadMs",
    "fileMB",
    "write_rssBeforeMB",
    "write_peakRssMB",
    "read_rssBeforeMB",
    "read_peakRssMB",
  ];
  const lines = [
    `rows: ${ROWS} (CSV ${(statSync(sales).size / 2 ** 20).toFixed(0)} MB), medians of ${REPS} runs after 2 warm-up runs, ms; node ${process.version}`,
    "",
    `| measure | ${LIBS.join(" | ")} |`,
    `|---|${LIBS.map(() => "---:").join("|")}|`,
  ];
  for (const k of keys)
    lines.push(
      `| ${k} | ${LIBS.map((l) => String(typeof results[l]![k] === "number" ? Math.round((results[l]![k] as number) * 10) / 10 : (results[l]![k] ?? "-"))).join(" | ")} |`,
    );
  lines.push("", ...LIBS.map((l) => `${l} dtypes read back: ${results[l]!.dtypes}`));
  console.log(lines.join("\n"));
  writeFileSync(join(OUT, `parquet-${ROWS}.md`), lines.join("\n") + "\n");
}

await main();
