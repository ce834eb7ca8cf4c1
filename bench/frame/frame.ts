// biome-ignore-all lint/suspicious/noExplicitAny: each peer library (polars, Arquero, Danfo.js, papaparse) is imported untyped and driven through its own API
// DataFrame benchmark (issue #5): a generated 1M-row sales table and a 2,000-row cities table,
// the same tasks in tensorloom/frame, nodejs-polars, Arquero and Danfo.js, each library in its own
// process (so memory after readCsv is its own), medians of several runs, ratios to nodejs-polars.
// Also times papaparse on the same file: the measurement behind readCsv's own parser.
//
//   cd bench/frame && npm install && npm run bench            (or: npm run bench:frame at the root)
//   node --import tsx frame.ts --rows 200000 --libs tensorloom,polars   (a quicker run)

import { arg, args, childError, median, report, resultOf, runScript } from "./child.js";
import { readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { salesCsv } from "./salesData.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = Number(arg("--rows", "1000000"));
const OUT = join(here, "out");
const POLARS_THREADS = arg("--polars-threads", "1");
const SALES = join(OUT, `sales-${ROWS}.csv`),
  CITIES = join(OUT, "cities.csv");

const TASKS = [
  "readCsv",
  "readCsvText",
  "filter",
  "groupby1",
  "groupby2",
  "sort",
  "joinGroupby",
  "describe",
  "fillnaComputeSum",
  "valueCounts",
  "toCsv",
] as const;
type Task = (typeof TASKS)[number];

// ---------------------------------------------------------------- one library, in a child process

// read() parses the dates (ts) as the tasks need; readText() is the reader with default options
// (ts stays text, as pandas and polars leave it), the form the independent harness timed
type Impl = {
  read(): unknown;
  readText?(): unknown;
  tasks: Record<Exclude<Task, "readCsv" | "readCsvText">, (df: any, cities: any) => unknown>;
};

async function impl(lib: string): Promise<Impl> {
  const text = () => readFileSync(SALES, "utf8");
  if (lib === "tensorloom") {
    const { readCsv } = await import("../../src/frame/index.js");
    const { readCsvFile } = await import("../../src/frame/io/node.js");
    const cities = readCsv(readFileSync(CITIES, "utf8"));
    // from the path, as polars reads it (readCsvFile hands the bytes to readCsv)
    return {
      read: () => readCsvFile(SALES, { parseDates: ["ts"] }),
      readText: () => readCsvFile(SALES),
      tasks: {
        filter: (df) => df.filter(df.col("qty").gt(50).and(df.col("category").eq("c3"))).length,
        groupby1: (df) => df.groupby("category").agg({ qty: "sum", price: "mean" }).length,
        groupby2: (df) => df.groupby(["category", "flag"]).agg({ qty: "sum", price: "mean" }).length,
        sort: (df) => df.sortValues(["category", "price"], { ascending: [true, false] }).length,
        joinGroupby: (df) => df.merge(cities, { on: "city" }).groupby("region").agg({ qty: "sum" }).length,
        describe: (df) => df.describe().length,
        fillnaComputeSum: (df) => {
          const d = df.fillna({ discount: 0 });
          return d.col("qty").mul(d.col("price")).mul(d.col("discount").rsub(1)).sum();
        },
        valueCounts: (df) => df.col("city").valueCounts().length,
        toCsv: (df) => df.toCsv({ index: false }).length,
      },
    };
  }
  if (lib === "polars") {
    const pl = (await import("nodejs-polars")).default as any;
    const cities = pl.readCSV(CITIES);
    return {
      read: () => pl.readCSV(SALES, { tryParseDates: true }),
      readText: () => pl.readCSV(SALES),
      tasks: {
        filter: (df) =>
          df.filter(
            pl
              .col("qty")
              .gt(50)
              .and(pl.col("category").eq(pl.lit("c3"))),
          ).height,
        groupby1: (df) => df.groupBy("category").agg(pl.col("qty").sum(), pl.col("price").mean()).height,
        groupby2: (df) => df.groupBy(["category", "flag"]).agg(pl.col("qty").sum(), pl.col("price").mean()).height,
        sort: (df) => df.sort(["category", "price"], [false, true]).height,
        joinGroupby: (df) => df.join(cities, { on: "city" }).groupBy("region").agg(pl.col("qty").sum()).height,
        describe: (df) => df.describe().height,
        fillnaComputeSum: (df) =>
          df
            .withColumns(pl.col("discount").fillNull(0))
            .select(
              pl
                .col("qty")
                .mul(pl.col("price"))
                .mul(pl.lit(1).sub(pl.col("discount")))
                .sum()
                .alias("s"),
            )
            .getColumn("s")
            .get(0),
        valueCounts: (df) => df.getColumn("city").valueCounts().height,
        toCsv: (df) => String(df.writeCSV()).length,
      },
    };
  }
  if (lib === "arquero") {
    const aq = (await import("arquero")) as any;
    const { op } = aq;
    const cities = aq.fromCSV(readFileSync(CITIES, "utf8"));
    return {
      read: () => aq.fromCSV(text(), { parse: {} }),
      tasks: {
        // filter and orderby are lazy in Arquero: reify() materialises the result
        filter: (df) =>
          df
            .filter((d: any) => d.qty > 50 && d.category === "c3")
            .reify()
            .numRows(),
        groupby1: (df) =>
          df
            .groupby("category")
            .rollup({ qty: op.sum("qty"), price: op.mean("price") })
            .numRows(),
        groupby2: (df) =>
          df
            .groupby("category", "flag")
            .rollup({ qty: op.sum("qty"), price: op.mean("price") })
            .numRows(),
        sort: (df) => df.orderby("category", aq.desc("price")).reify().numRows(),
        joinGroupby: (df) =>
          df
            .join(cities, "city")
            .groupby("region")
            .rollup({ qty: op.sum("qty") })
            .numRows(),
        describe: () => {
          throw new Error("unsupported: Arquero has no describe");
        },
        fillnaComputeSum: (df) =>
          df
            .impute({ discount: () => 0 })
            .derive({ r: (d: any) => d.qty * d.price * (1 - d.discount) })
            .rollup({ s: op.sum("r") })
            .get("s", 0),
        valueCounts: (df) => df.groupby("city").count().numRows(),
        toCsv: (df) => df.toCSV().length,
      },
    };
  }
  if (lib === "danfo") {
    const dfd = (await import("danfojs-node")) as any;
    const cities = await dfd.readCSV(CITIES);
    let cached: unknown;
    return {
      read: () => cached,
      tasks: {
        filter: (df) => df.query(df.qty.gt(50).and(df.category.eq("c3"))).shape[0],
        groupby1: (df) => df.groupby(["category"]).agg({ qty: "sum", price: "mean" }).shape[0],
        groupby2: (df) => df.groupby(["category", "flag"]).agg({ qty: "sum", price: "mean" }).shape[0],
        sort: () => {
          throw new Error("skipped: too slow to finish at 1M rows (see the issue)");
        },
        joinGroupby: (df) =>
          dfd
            .merge({ left: df, right: cities, on: ["city"], how: "inner" })
            .groupby(["region"])
            .agg({ qty: "sum" }).shape[0],
        describe: (df) => df.describe().shape[0],
        fillnaComputeSum: (df) => {
          const d = df.fillNa([0], { columns: ["discount"] });
          return d.qty.mul(d.price).mul(d.discount.mul(-1).add(1)).sum();
        },
        valueCounts: (df) => df.city.valueCounts().shape[0],
        toCsv: (df) => dfd.toCSV(df).length,
      },
      // Danfo's readCSV is async; the child awaits it before timing (see runChild)
      ...{ readAsync: async () => (cached = await dfd.readCSV(SALES)) },
    } as Impl;
  }
  if (lib === "papaparse") {
    const Papa = ((await import("papaparse")) as any).default;
    return {
      read: () => Papa.parse(text(), { header: true, dynamicTyping: true, skipEmptyLines: true }).data.length,
      tasks: Object.fromEntries(
        TASKS.filter((t) => t !== "readCsv" && t !== "readCsvText").map((t) => [
          t,
          () => {
            throw new Error("n/a (parser only)");
          },
        ]),
      ) as Impl["tasks"],
    };
  }
  throw new Error(`unknown library ${lib}`);
}

async function runChild(lib: string, reps: number): Promise<void> {
  const im = await impl(lib);
  const result: Record<string, number | string> = {};
  (globalThis as { gc?: () => void }).gc?.();
  result.rssBeforeReadMB = Math.round(process.memoryUsage().rss / 2 ** 20); // the runtime and the library loaded
  if (arg("--mode", "all") === "text") {
    // the read with default options alone, so the RSS after it is its own
    const warmup = Number(arg("--warmup", "3"));
    const times: number[] = [],
      cpu: number[] = [];
    let df: unknown;
    for (let r = 0; r < reps + warmup; r++) {
      df = undefined;
      (globalThis as { gc?: () => void }).gc?.();
      const c = process.cpuUsage(),
        t = performance.now();
      df = im.readText!();
      const d = process.cpuUsage(c);
      if (r >= warmup) {
        times.push(performance.now() - t);
        cpu.push((d.user + d.system) / 1000);
      }
    }
    (globalThis as { gc?: () => void }).gc?.();
    report({
      readCsvText: median(times),
      readCsvTextCpu: median(cpu),
      rssAfterTextReadMB: Math.round(process.memoryUsage().rss / 2 ** 20),
      rows: df ? 1 : 0,
    });
    return;
  }
  const readAsync = (im as unknown as { readAsync?: () => Promise<unknown> }).readAsync;
  const readTimes: number[] = [],
    readCpu: number[] = [];
  let df: unknown;
  // warm-up runs first (V8 tiering settles after a few), the same number for every library
  const warmup = lib === "danfo" ? 0 : Number(arg("--warmup", "3"));
  for (let r = 0; r < (lib === "danfo" ? 1 : reps) + warmup; r++) {
    df = undefined;
    (globalThis as { gc?: () => void }).gc?.();
    const c = process.cpuUsage(),
      t = performance.now();
    df = readAsync ? await readAsync() : im.read();
    const d = process.cpuUsage(c);
    if (r >= warmup) {
      readTimes.push(performance.now() - t);
      readCpu.push((d.user + d.system) / 1000);
    }
  }
  result.readCsv = median(readTimes);
  // CPU time (every thread of the process): steadier than wall time when the machine is shared
  result.readCsvCpu = median(readCpu);
  (globalThis as { gc?: () => void }).gc?.();
  result.rssAfterReadMB = Math.round(process.memoryUsage().rss / 2 ** 20);
  result.heapAfterReadMB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  if (lib !== "papaparse") {
    const cities = undefined;
    for (const task of TASKS.filter((t) => t !== "readCsv" && t !== "readCsvText") as Exclude<Task, "readCsv" | "readCsvText">[]) {
      const times: number[] = [];
      try {
        for (let r = 0; r < (lib === "danfo" ? 1 : reps); r++) {
          const t = performance.now();
          im.tasks[task](df, cities);
          times.push(performance.now() - t);
        }
        result[task] = median(times);
      } catch (e) {
        result[task] = String((e as Error).message ?? e).slice(0, 120);
      }
    }
  }
  report(result);
}

// ---------------------------------------------------------------- the parent: run each library, report ratios

async function main(): Promise<void> {
  if (args.includes("--child")) return runChild(arg("--child", ""), Number(arg("--reps", "5")));
  await salesCsv(ROWS, OUT);
  const libs = arg("--libs", "tensorloom,polars,arquero,danfo,papaparse").split(",");
  const reps = Number(arg("--reps", "5"));
  const results: Record<string, Record<string, number | string>> = {};
  for (const lib of libs) {
    const t = performance.now();
    // polars' threads are pinned (POLARS_MAX_THREADS) so the ratio compares equal threads: tensorloom reads on one
    const common = ["--reps", String(reps), "--rows", String(ROWS), "--warmup", arg("--warmup", "3")];
    const options = {
      heapMB: 16384,
      cwd: here,
      timeoutMs: Number(arg("--timeout", "900")) * 1000,
      env: { ...process.env, POLARS_MAX_THREADS: POLARS_THREADS },
    };
    const r = runScript(import.meta.url, ["--child", lib, ...common], options);
    results[lib] = resultOf<Record<string, number | string>>(r) ?? { error: childError(r) };
    if (lib === "tensorloom" || lib === "polars") {
      const rt = runScript(import.meta.url, ["--child", lib, "--mode", "text", ...common], options);
      Object.assign(results[lib]!, resultOf(rt) ?? { readCsvText: `error: ${(rt.stderr ?? "").slice(-200)}` });
    }
    console.error(`${lib}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const cols = libs;
  const fmt = (v: number | string | undefined) => (typeof v === "number" ? v.toFixed(0) : v === undefined ? "-" : String(v).slice(0, 40));
  const lines = [
    `rows: ${ROWS} (${(statSync(SALES).size / 2 ** 20).toFixed(0)} MB CSV), medians of ${reps} runs after ${arg("--warmup", "3")} warm-up reads (Danfo.js: 1), ms; POLARS_MAX_THREADS=${POLARS_THREADS}; node ${process.version}`,
    "",
    `| task | ${cols.join(" | ")} | tensorloom / polars |`,
    `|---|${cols.map(() => "---:").join("|")}|---:|`,
  ];
  for (const task of [
    ...TASKS,
    "readCsvCpu",
    "readCsvTextCpu",
    "rssBeforeReadMB",
    "rssAfterReadMB",
    "rssAfterTextReadMB",
    "heapAfterReadMB",
  ]) {
    const tl = results.tensorloom?.[task],
      po = results.polars?.[task];
    const ratio = typeof tl === "number" && typeof po === "number" ? (tl / po).toFixed(2) : "-";
    lines.push(`| ${task} | ${cols.map((c) => fmt(results[c]?.[task])).join(" | ")} | ${task.endsWith("MB") ? "-" : ratio} |`);
  }
  const report = lines.join("\n");
  console.log(report);
  writeFileSync(join(OUT, `results-${ROWS}.md`), report + "\n\n" + JSON.stringify(results, null, 1) + "\n");
}

await main();
