// Every workload of issue #7 in one process run: matmul, convolutions, LSTM/GRU training steps and
// one epoch of the digits CNN, on tensorloom-wasm (every core), tensorloom-reference, TF.js cpu and
// wasm, and optionally PyTorch (bench/pytorch.py, a child process). Prints one markdown table of
// times and ratios (peer ms / tensorloom-wasm ms: > 1 means tensorloom-wasm is faster), a GFLOP/s
// table for matmul, and writes both to bench/results/latest.md.
//   npm run bench                         (full: medians of 5 runs; TF.js-cpu's slow cells once)
//   npm run bench -- --quick              (one run per cell after the warm-ups)
//   npm run bench -- --skip-slow          (skip the cells known to take > 5 s: "skipped")
//   npm run bench -- --only conv          (only the workloads whose name contains "conv")
//   npm run bench -- --pytorch            (add PyTorch: /usr/bin/python3 bench/pytorch.py, or the
//                                          python in TENSORLOOM_BENCH_PYTHON; without torch: a note)
//   npm run bench -- --rounds 3           (measure everything 3 times, PyTorch too, in one process:
//                                          the table shows each cell's median over the rounds, and
//                                          the targets table each round's ratio; cells known to take
//                                          > 5 s run in the first round only)
// Typecheck the bench files: npx tsc -p bench/tsconfig.json

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tl from "../src/index.js";
import { type Impl, type Row, type Workload, context, cores, footnotes, gflopsTable, measureAll, parseArgs, printTable, tensorloomImpl, tfjsImpl } from "./harness.js";
import { medianRows, targetTable } from "./targets.js";
import { matmulWorkloads, wasmOneThread } from "./matmul.js";
import { convWorkloads } from "./conv.js";
import { rnnWorkloads } from "./rnn.js";
import { digitsEpochWorkload } from "./cnnEpoch.js";

const o = parseArgs(5);
await tl.ready();
const hasWasm = tl.availableBackends().includes("wasm");
const base = hasWasm ? "tensorloom-wasm" : "tensorloom-reference";

const matmuls = matmulWorkloads();
const onlyAt = process.argv.indexOf("--only"); // --only <text>: the workloads whose key contains it
const only = onlyAt > 0 ? process.argv[onlyAt + 1] ?? "" : "";
const ws: Workload[] = [...matmuls, ...convWorkloads(), ...rnnWorkloads({ trainingOnly: true }), digitsEpochWorkload()].filter((w) => w.key.includes(only));
const impls: Impl[] = [
  ...(hasWasm ? [tensorloomImpl("wasm")] : []),
  ...wasmOneThread(matmuls.map((w) => w.key)),
  tensorloomImpl("reference"),
  tfjsImpl("cpu"),
  tfjsImpl("wasm"),
];

const roundsAt = process.argv.indexOf("--rounds");
const nRounds = roundsAt > 0 ? Math.max(1, Number(process.argv[roundsAt + 1]) || 1) : 1;

// PyTorch, in a child process after the JS cells of each round (so the two never share the cores)
const extraNotes = new Set<string>();
let torchInfo: string | null = null;
function pytorchTimes(): Record<string, number> | null {
  const script = fileURLToPath(new URL("./pytorch.py", import.meta.url));
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const python = process.env.TENSORLOOM_BENCH_PYTHON ?? "/usr/bin/python3"; // Debian's python3-torch
  process.stderr.write(`  pytorch: ${python} ${script}${o.quick ? " --quick" : ""} ...\n`);
  const r = spawnSync(python, [script, ...(o.quick ? ["--quick"] : [])], { env, encoding: "utf8", timeout: 15 * 60_000, maxBuffer: 16 << 20 });
  process.stderr.write(r.stderr ?? "");
  const info = (r.stderr ?? "").split("\n").filter((l) => l.startsWith("# ")).map((l) => l.slice(2));
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr ?? "").trim().split("\n").pop();
    extraNotes.add(`PyTorch not measured: ${python} bench/pytorch.py failed (${why}); no pytorch column.`);
    return null;
  }
  try {
    const times = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
    torchInfo = info.join("; ");
    return times;
  } catch {
    extraNotes.add(`PyTorch not measured: bench/pytorch.py printed no JSON (${r.stdout.trim().slice(0, 200)}); no pytorch column.`);
    return null;
  }
}

const rounds: Row[][] = [];
let counts: Awaited<ReturnType<typeof measureAll>>["counts"] = {};
for (let r = 0; r < nRounds; r++) {
  if (nRounds > 1) process.stderr.write(`round ${r + 1} of ${nRounds}\n`);
  // the cells known to take > 5 s run in the first round only; later rounds reuse that time
  const m = await measureAll(ws, impls, { ...o, skipSlow: o.skipSlow || r > 0 });
  if (r === 0) counts = m.counts;
  else m.rows.forEach((row, i) => { for (const [c, v] of Object.entries(row.times)) if (v === "skipped" && !o.skipSlow) row.times[c] = rounds[0]![i]!.times[c]!; });
  if (o.pytorch) {
    const times = pytorchTimes();
    if (times) for (const [i, w] of ws.entries()) m.rows[i]!.times.pytorch = typeof times[w.key] === "number" ? times[w.key]! : "-";
  }
  rounds.push(m.rows);
}
const rows = nRounds > 1 ? medianRows(rounds) : rounds[0]!;
const columns = impls.map((i) => i.column);
if (rows.some((r) => "pytorch" in r.times)) columns.push("pytorch");

const names = columns.filter((c) => c !== "tensorloom-wasm-1t");
const out: string[] = [];
const say = (s: string) => {
  console.log(s);
  out.push(s);
};
say(`# tensorloom benchmarks (issue #7)\n`);
say(`${context("bench/all.ts", o)}${o.skipSlow ? ", --skip-slow" : ""}.`);
say(`tensorloom-wasm runs on ${cores} thread(s) (tl.setNumThreads(os.availableParallelism())); tensorloom-wasm-1t on one. TF.js-wasm is single-threaded under Node.${torchInfo ? ` PyTorch: ${torchInfo}.` : ""}`);
say(`Ratios are peer ms / ${base} ms: > 1 means ${base} is faster.${nRounds > 1 ? ` Each time is the median over ${nRounds} rounds (every cell measured once per round, PyTorch after the JS cells of each round).` : ""}\n`);
say(printTable(rows, names, base, { print: false }));
if (ws.some((w) => w.flops)) {
  say(`\nmatmul throughput (2·n³ / time):\n`);
  say(gflopsTable(ws, rows, columns));
}
say(`\nAgainst the issue's targets (ratios within one round; PyTorch targets: tensorloom-wasm's time over PyTorch's):\n`);
say(targetTable(ws.map((w) => w.key), rounds));
for (const n of [...footnotes(ws, counts, o), ...extraNotes]) say(`\n${n}`);

const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}latest.md`, out.join("\n") + "\n");
console.error(`\nwritten to bench/results/latest.md`);
