// readCsv alone (issue #16): the 1M-row sales file read with default options (ts stays text, as
// pandas and polars leave it) and with the timestamps parsed, by tensorloom (from the file's
// bytes, and from a string as readCsv(text)), nodejs-polars (POLARS_MAX_THREADS=1 by default)
// and pandas (/usr/bin/python3). Each library and form runs in its own process, so the RSS after
// the read is its own; every one is warmed up the same way (V8 settles after 5-10 reads) and timed
// as CPU time (steadier than wall time on a shared machine) and wall time.
//
//   node --import tsx bench/frame/readCsv.ts [--rows 1000000] [--warmup 8] [--reps 7]
//        [--before <dir holding another checkout's src/frame>] [--only tensorloom,polars,pandas]

import { spawnSync } from "node:child_process";
import { arg, args, median, report, resultOf, runScript } from "./child.js";
import { readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { salesCsv } from "./salesData.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(arg("--rows", "1000000"));
const WARMUP = Number(arg("--warmup", "8"));
const REPS = Number(arg("--reps", "7"));
const OUT = join(here, "out");
const SALES = join(OUT, `sales-${ROWS}.csv`);

type Result = { cpu: number[]; wall: number[]; rssMB: number };

async function child(lib: string, mode: string): Promise<void> {
  const dates = mode === "dates";
  let read: () => unknown;
  if (lib.startsWith("tensorloom")) {
    // tensorloom-before reads with another checkout's sources (--before), for a before/after table
    const root = lib === "tensorloom-before" ? resolve(arg("--before", "")) : resolve(here, "../..");
    const frame = await import(pathToFileURL(join(root, "src/frame/index.ts")).href);
    const node = await import(pathToFileURL(join(root, "src/frame/io/node.ts")).href);
    const opts = dates ? { parseDates: ["ts"] } : {};
    read =
      arg("--input", "file") === "string" ? () => frame.readCsv(readFileSync(SALES, "utf8"), opts) : () => node.readCsvFile(SALES, opts);
  } else if (lib === "polars") {
    const pl = (await import("nodejs-polars")).default as { readCSV(p: string, o: object): unknown };
    read = () => pl.readCSV(SALES, dates ? { tryParseDates: true } : {});
  } else throw new Error(`unknown library ${lib}`);
  const gc = (globalThis as { gc?: () => void }).gc!;
  const res: Result = { cpu: [], wall: [], rssMB: 0 };
  let df: unknown;
  for (let r = 0; r < WARMUP + REPS; r++) {
    df = undefined;
    gc();
    const c = process.cpuUsage(),
      t = performance.now();
    df = read();
    const d = process.cpuUsage(c);
    if (r >= WARMUP) {
      res.wall.push(performance.now() - t);
      res.cpu.push((d.user + d.system) / 1000);
    }
  }
  gc();
  res.rssMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  if (!df) throw new Error("no frame");
  report(res);
}

const PANDAS = `
import sys, time, gc, resource
import pandas as pd
path, mode, warmup, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
kw = {"parse_dates": ["ts"]} if mode == "dates" else {}
cpu, wall = [], []
for r in range(warmup + reps):
    df = None
    gc.collect()
    c, t = time.process_time(), time.perf_counter()
    df = pd.read_csv(path, **kw)
    if r >= warmup:
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
gc.collect()
rss = int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20
import json
print("RESULT " + json.dumps({"cpu": cpu, "wall": wall, "rssMB": round(rss)}))
`;

function run(lib: string, mode: string): Result | string {
  const env = { ...process.env, POLARS_MAX_THREADS: arg("--polars-threads", "1") };
  const r =
    lib === "pandas"
      ? spawnSync("/usr/bin/python3", ["-c", PANDAS, SALES, mode, String(Math.min(WARMUP, 3)), String(REPS)], { encoding: "utf8", env })
      : runScript(import.meta.url, ["--child", lib, "--mode", mode, ...args], { heapMB: 8192, env, cwd: here });
  return resultOf<Result>(r) ?? `error: ${(r.stderr ?? "").slice(-300)}`;
}

async function main(): Promise<void> {
  if (args.includes("--child")) return child(arg("--child", ""), arg("--mode", "text"));
  await salesCsv(ROWS, OUT);
  const libs: string[] = [];
  for (const l of arg("--only", "tensorloom,polars,pandas").split(",")) {
    if (l === "tensorloom") {
      if (args.includes("--before")) libs.push("tensorloom-before");
      libs.push("tensorloom", "tensorloom-string");
    } else libs.push(l);
  }
  const rows: string[] = [];
  const results: Record<string, Record<string, Result | string>> = {};
  for (const mode of ["text", "dates"]) {
    results[mode] = {};
    for (const lib of libs) {
      const t = performance.now();
      const r = lib === "tensorloom-string" ? runString(mode) : run(lib, mode);
      results[mode]![lib] = r;
      console.error(`${mode} ${lib}: ${((performance.now() - t) / 1000).toFixed(0)} s`);
    }
  }
  const pol = (mode: string) => results[mode]!.polars;
  const cell = (r: Result | string | undefined, mode: string) => {
    if (r === undefined || typeof r === "string") return `| ${r ?? "-"} | | | | |`;
    const p = pol(mode);
    const ratio = typeof p === "object" ? (median(r.cpu) / median(p.cpu)).toFixed(2) : "-";
    return `| ${median(r.cpu).toFixed(0)} | ${Math.min(...r.cpu).toFixed(0)} | ${median(r.wall).toFixed(0)} | ${ratio} | ${r.rssMB} |`;
  };
  rows.push(
    `rows: ${ROWS} (${(statSync(SALES).size / 2 ** 20).toFixed(0)} MB CSV); ${WARMUP} warm-up reads (pandas: ${Math.min(WARMUP, 3)}), then ${REPS} timed; POLARS_MAX_THREADS=${arg("--polars-threads", "1")}; node ${process.version}`,
    "",
    "| read | library | CPU ms (median) | CPU ms (min) | wall ms (median) | CPU / polars | RSS after, MB |",
    "|---|---|---:|---:|---:|---:|---:|",
  );
  for (const mode of ["text", "dates"])
    for (const lib of libs) rows.push(`| ${mode === "text" ? "default options" : "parse ts"} | ${lib} ${cell(results[mode]![lib], mode)}`);
  const report = rows.join("\n");
  console.log(report);
  writeFileSync(join(OUT, `readcsv-${ROWS}.md`), `${report}\n\n${JSON.stringify(results)}\n`);
}

/** tensorloom given the text as a string (readCsv(readFileSync(path, "utf8")), the form frame.ts times). */
function runString(mode: string): Result | string {
  const i = args.indexOf("--input");
  if (i >= 0) args.splice(i, 2);
  args.push("--input", "string");
  const r = run("tensorloom", mode);
  args.splice(args.length - 2, 2);
  return r;
}

await main();
