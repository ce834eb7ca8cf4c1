// Every workload of issue #7 in one process run: matmul, convolutions, LSTM/GRU training steps and
// one epoch of the digits CNN, on tensorloom-wasm (every core), tensorloom-reference, TF.js cpu and
// wasm, and optionally PyTorch (bench/pytorch.py, a child process). Prints one markdown table of
// times and ratios (peer ms / tensorloom-wasm ms: > 1 means tensorloom-wasm is faster), a GFLOP/s
// table for matmul, and writes both to bench/results/latest.md.
//   npm run bench                         (full: medians of 5 runs; TF.js-cpu's slow cells once)
//   npm run bench -- --quick              (one run per cell after the warm-ups)
//   npm run bench -- --skip-slow          (skip the cells known to take > 5 s: "skipped")
//   npm run bench -- --only conv          (only the workloads whose name contains "conv"; several:
//                                          --only "conv2d forward+backward,digits")
//   npm run bench -- --lean               (only tensorloom-wasm, tensorloom-wasm-1t and PyTorch if asked)
//   npm run bench -- --pytorch            (add PyTorch: /usr/bin/python3 bench/pytorch.py --serve, or the
//                                          python in TENSORLOOM_BENCH_PYTHON; without torch: a note)
//   npm run bench -- --rounds 3           (measure everything 3 times, PyTorch too, in one process:
//                                          the table shows each cell's median over the rounds, and
//                                          the targets table each round's ratio; cells known to take
//                                          > 5 s run in the first round only)
// Typecheck the bench files: npx tsc -p bench/tsconfig.json

import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tl from "../src/index.js";
import {
  type Impl,
  type Row,
  type Workload,
  context,
  cores,
  footnotes,
  gflopsTable,
  measureAll,
  parseArgs,
  printTable,
  tensorloomImpl,
  tfjsImpl,
} from "./harness.js";
import { medianRows, targetTable } from "./targets.js";
import { type PytorchColumn, startPytorch } from "./pytorchServer.js";
import { matmulWorkloads, wasmOneThread } from "./matmul.js";
import { convWorkloads } from "./conv.js";
import { rnnWorkloads } from "./rnn.js";
import { digitsEpochWorkload } from "./cnnEpoch.js";

const o = parseArgs(5);
await tl.ready();
const hasWasm = tl.availableBackends().includes("wasm");
const base = hasWasm ? "tensorloom-wasm" : "tensorloom-reference";

const matmuls = matmulWorkloads();
// --only <text>[,<text>...]: the workloads whose key contains one of them
const onlyAt = process.argv.indexOf("--only");
const only = (onlyAt > 0 ? (process.argv[onlyAt + 1] ?? "") : "").split(",");
const ws: Workload[] = [...matmuls, ...convWorkloads(), ...rnnWorkloads({ trainingOnly: true }), digitsEpochWorkload()].filter((w) =>
  only.some((o) => w.key.includes(o)),
);
// --lean: only tensorloom-wasm, its one-thread column and PyTorch (when asked): before/after runs
const lean = process.argv.includes("--lean");
const impls: Impl[] = [
  ...(hasWasm ? [tensorloomImpl("wasm")] : []),
  // one thread on every workload: "2 threads never slower than one thread" (issue #17)
  ...wasmOneThread(),
  ...(lean ? [] : [tensorloomImpl("reference"), tfjsImpl("cpu"), tfjsImpl("wasm")]),
];

const roundsAt = process.argv.indexOf("--rounds");
const nRounds = roundsAt > 0 ? Math.max(1, Number(process.argv[roundsAt + 1]) || 1) : 1;

// PyTorch: bench/pytorch.py --serve in a child process, asked for each workload right after
// the JS cells of that workload (its child idles on stdin meanwhile)
const extraNotes: string[] = [];
let torchInfo: string | null = null;
let torch: PytorchColumn | null = null;
if (o.pytorch) {
  const started = await startPytorch(o.quick);
  if (typeof started === "string") extraNotes.push(started);
  else {
    torch = started;
    torchInfo = started.info;
    impls.push(started.impl);
  }
}

const rounds: Row[][] = [];
let counts: Awaited<ReturnType<typeof measureAll>>["counts"] = {};
try {
  for (let r = 0; r < nRounds; r++) {
    if (nRounds > 1) process.stderr.write(`round ${r + 1} of ${nRounds}\n`);
    // the cells known to take > 5 s run in the first round only; later rounds reuse that time
    const m = await measureAll(ws, impls, {
      ...o,
      skipSlow: o.skipSlow || r > 0,
      alternate: ["tensorloom-wasm", "tensorloom-wasm-1t"],
      round: r,
    });
    if (r === 0) counts = m.counts;
    else
      m.rows.forEach((row, i) => {
        for (const [c, v] of Object.entries(row.times)) if (v === "skipped" && !o.skipSlow) row.times[c] = rounds[0]![i]!.times[c]!;
      });
    rounds.push(m.rows);
  }
} finally {
  torch?.close();
}
const rows = nRounds > 1 ? medianRows(rounds) : rounds[0]!;
const columns = impls.map((i) => i.column);

const names = columns;
const out: string[] = [];
const say = (s: string) => {
  console.log(s);
  out.push(s);
};
say(`# tensorloom benchmarks (issue #7)\n`);
say(`${context("bench/all.ts", o)}${o.skipSlow ? ", --skip-slow" : ""}.`);
say(
  `tensorloom-wasm runs on ${cores} thread(s) (tl.setNumThreads(os.availableParallelism())); tensorloom-wasm-1t on one. TF.js-wasm is single-threaded under Node.${torchInfo ? ` PyTorch: ${torchInfo}.` : ""}`,
);
say(
  `Ratios are peer ms / ${base} ms: > 1 means ${base} is faster.${nRounds > 1 ? ` Each time is the median over ${nRounds} rounds (every cell measured once per round).` : ""}\n`,
);
say(printTable(rows, names, base, { print: false }));
if (ws.some((w) => w.flops)) {
  say(`\nmatmul throughput (2·n³ / time):\n`);
  say(gflopsTable(ws, rows, columns));
}
say(`\nAgainst the issue's targets (ratios within one round; PyTorch targets: tensorloom-wasm's time over PyTorch's):\n`);
say(
  targetTable(
    ws.map((w) => w.key),
    rounds,
  ),
);
for (const n of [...footnotes(ws, counts, o), ...extraNotes]) say(`\n${n}`);

const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}latest.md`, out.join("\n") + "\n");
console.error(`\nwritten to bench/results/latest.md`);
