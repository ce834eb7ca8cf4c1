// Runs every *.test.ts under src/, test/, examples/ and lab/ with Node's built-in test runner, once
// per backend configuration (wasm with and without fused multiply-add, then reference): every test
// that runs kernels must pass on each on its own. Files that never load a backend run once (see
// BACKEND_FREE), and on a machine with more than two cores the configurations run side by side.
// The files run as plain JS transpiled into .testbuild/ (scripts/buildTests.mjs: tsx's loader
// costs about a second per process; TENSORLOOM_TEST_TSX=1 runs the .ts files through tsx), a
// batch of files per test process (see "Batches" below; TENSORLOOM_TEST_BATCH=0: one per file).
// (Node 20's --test does not expand globs or pick up .ts files on its own.)
//   node scripts/runTests.mjs [path filters...] [--backend=wasm|wasm-nofma|reference]
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { buildTests } from "./buildTests.mjs";

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const backendArg = args.find((a) => a.startsWith("--backend="));
// "wasm" loads the fused multiply-add (relaxed SIMD) kernels where the runtime has them;
// "wasm-nofma" is the same backend on the plain-SIMD kernels (TENSORLOOM_WASM_FMA=0), which
// runtimes without relaxed SIMD get.
const configs = {
  wasm: { TENSORLOOM_BACKEND: "wasm" },
  "wasm-nofma": { TENSORLOOM_BACKEND: "wasm", TENSORLOOM_WASM_FMA: "0" },
  reference: { TENSORLOOM_BACKEND: "reference" },
};
const backends = backendArg ? [backendArg.slice("--backend=".length)] : Object.keys(configs);
const unknown = backends.filter((b) => !(b in configs));
if (unknown.length) {
  console.error(`runTests: unknown --backend ${unknown.join(", ")}; use one of ${Object.keys(configs).join(", ")}.`);
  process.exit(2);
}

// Files that never load src/backends (the DataFrame, the lab's pandas page, the import-graph
// check): no configuration can change what they test, so they run once, not
// once per backend. They run in a group of their own whose TENSORLOOM_BACKEND names no backend,
// so a file here that starts to load the backends (directly, through an import, or in a child
// process) fails with an error quoting this note, rather than quietly running on one backend
// only: take it off the list then. A directory entry covers the files under it; EXCEPT lists
// the files under those directories that do load a backend (tensors to and from frames).
const BACKEND_FREE = ["src/frame/", "lab/pages/13-pandas-verbs/", "test/importCycles.test.ts", "test/testBuild.test.ts"];
const EXCEPT = ["src/frame/table.test.ts", "src/frame/ml/preprocessing.test.ts", "src/frame/browser.test.ts"];
// Files whose every test is skipped unless RUN_ONCE (test/support/runOnce.ts: the plain wasm
// configuration), because what they check (documentation, the packed tarball, the lab's build)
// is the same on every backend: they start only in that configuration.
const ONCE_GATED = [
  "test/docs.test.ts",
  "test/package.test.ts",
  "test/browser/labBuild.test.ts",
  "src/backends/webgpu/kernels.test.ts",
  "src/backends/webgpu/training.test.ts",
  "src/backends/webgpu/memory.test.ts",
];
// Files whose subject sits above the kernels: command lines, file formats and their fuzzers, the
// ONNX exporter, the worker protocol, charts, the browser bundle, the examples' programs. The
// kernels they happen to run are checked op by op in every configuration (PyTorch fixtures,
// differential and op tests), so these start in the wasm configuration only, the one Node users
// get; by hand they pass on any backend.
const ABOVE_KERNELS = [
  "src/cli/",
  "src/io/",
  "src/onnx/",
  "src/report/",
  "src/train/worker.test.ts",
  "examples/",
  "test/browserBundle.test.ts",
  "test/support/memoryFlat.test.ts",
];
// The wasm backend's own tests (kernels against the reference, its memory, its thread pool) test
// nothing of the reference configuration: they run in the two wasm configurations only.
const WASM_ONLY = ["src/backends/wasm/"];
const NO_BACKEND = {
  TENSORLOOM_BACKEND:
    "none (scripts/runTests.mjs runs this file once, as one that never loads a backend; it did: take it off BACKEND_FREE)",
};

const filter = args.filter((a) => !a.startsWith("--"));
const roots = ["src", "test", "examples", "lab"].filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});
const files = roots.flatMap((d) => find(d)).sort();
const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files;
const posix = (f) => f.split("\\").join("/");
/** Whether file f is on a list of files and folders (an entry ending in "/" covers what is under it). */
const listed = (list, f) => list.some((p) => (p.endsWith("/") ? posix(f).startsWith(p) : posix(f) === p));
const isFree = (f) => !listed(EXCEPT, f) && listed(BACKEND_FREE, f);
const onceGated = (f) => listed(ONCE_GATED, f);
const wasmOnly = (f) => listed(WASM_ONLY, f);

// One `node --test` run per configuration, the backend-free files as one more.
const runs = backends.map((backend) => ({
  name: `backend: ${backend}`,
  env: configs[backend],
  files: chosen.filter(
    (f) => !isFree(f) && (backend === "wasm" || !(onceGated(f) || listed(ABOVE_KERNELS, f))) && (backend !== "reference" || !wasmOnly(f)),
  ),
}));
const free = chosen.filter(isFree);
if (free.length) runs.push({ name: "backend-free files, once", env: NO_BACKEND, files: free });

// More than two cores: the runs go side by side, each with its share of the cores for its test
// processes, and each run's report is printed whole as it finishes. Two cores or fewer: one after
// another, two test processes at a time (most tests use one core; the wasm kernels' worker
// threads wait on a 60 s watchdog, far beyond any slowdown sharing the cores causes).
// TENSORLOOM_TEST_JOBS sets the test processes at a time in each run.
const cores = availableParallelism();
const parallel = cores > 2 && runs.length > 1;
const concurrency = Number(process.env.TENSORLOOM_TEST_JOBS) || Math.max(parallel ? 1 : 2, Math.floor((cores - 1) / runs.length));

const viaTsx = process.env.TENSORLOOM_TEST_TSX === "1";
const built = viaTsx ? null : await buildTests();
const target = (f) => resolvePath(built ? join(built.out, `${f.slice(0, -3)}.js`) : f);

// Batches. `node --test` starts a process per file it is given, and each process loads the library
// again (about 0.4 s of CPU, 137 files per configuration). Instead each configuration's files are
// dealt into a few batches: a generated module imports each file of its batch inside a describe
// named by the file (the report still groups tests by file, and a file's before/after hooks stay
// its own), and `node --test` runs one process per batch. The files share the process's modules:
// a test that changes library-wide state (backend, default dtype, seeds, threads) restores it,
// as it must for the test after it in its own file. SOLO files run in a process of their own:
// they check what a fresh process does first. Files are dealt heaviest first (COST, seconds
// measured on this 2-core host; others count 1) to the lightest batch, so batches end together.
// TENSORLOOM_TEST_BATCH=0 runs one process per file, as before.
const SOLO = [
  // each opens its own GPU device and makes webgpu the backend its fixture helpers pick
  "src/backends/webgpu/kernels.test.ts",
  "src/backends/webgpu/training.test.ts",
  "src/backends/webgpu/memory.test.ts",
  // they measure the wasm heap from a fresh start: resident blocks that other files' tensors
  // hold until the next collection would count against the budget they check
  "src/backends/wasm/residency.test.ts",
  "src/backends/wasm/wasm.test.ts",
  "src/train/fit.test.ts",
  // set before the library loads: TENSORLOOM_WASM_CHECKED (the bounds-checked kernels), the
  // global seed at module level
  "src/backends/wasm/differential.test.ts",
  "test/package.test.ts",
];
// SOLO files start first, heaviest first (they are the longest), then the batches
const COST = {
  "src/backends/webgpu/kernels.test.ts": 33,
  "src/backends/webgpu/memory.test.ts": 32,
  "src/backends/wasm/wasm.test.ts": 22,
  "src/backends/wasm/residency.test.ts": 20,
  "test/package.test.ts": 20,
  "src/backends/webgpu/training.test.ts": 18,
  "src/backends/wasm/differential.test.ts": 8,
  "src/backends/wasm/threads.stress.test.ts": 22,
  "test/docExamples.test.ts": 15,
  "src/cli/tabular.test.ts": 12,
  "src/io/safetensors.fuzz.test.ts": 10,
  "test/differential/differential.test.ts": 10,
  "src/cli/main.test.ts": 10,
  "src/nn/rnn.test.ts": 8,
  "src/onnx/onnx.test.ts": 8,
  "src/ops/unfilled.test.ts": 7,
  "src/train/worker.test.ts": 8,
};
const batching = process.env.TENSORLOOM_TEST_BATCH !== "0";
// one folder per runner: two runs in one checkout (by hand, beside npm test) keep their batches
const batchDir = join(built ? built.out : ".testbuild", "_batches", String(process.pid));
if (batching) {
  rmSync(batchDir, { recursive: true, force: true });
  mkdirSync(batchDir, { recursive: true });
}

// The module for one batch. Files load one after another, each inside its describe, and a file
// that changes process.env as it loads fails, naming itself: a setting read when the library
// loads (TENSORLOOM_WASM_CHECKED...) would otherwise reach the files after it unnoticed, or miss
// a library another file loaded first. (Tests that change it restore it, as within a file.)
function batchModule(list) {
  return `// generated by scripts/runTests.mjs: one test process for these files
import assert from "node:assert/strict";
import { describe } from "node:test";
let loaded = Promise.resolve();
for (const [file, url] of ${JSON.stringify(list)}) {
  const previous = loaded;
  let done;
  loaded = new Promise((resolve) => (done = resolve));
  describe(file, async () => {
    await previous;
    const env = { ...process.env };
    try {
      await import(url);
    } finally {
      done();
    }
    assert.deepEqual({ ...process.env }, env, \`\${file} changed process.env as it loaded: list it in SOLO (scripts/runTests.mjs)\`);
  });
}
`;
}

function batches(name, files) {
  if (!batching) return files.map(target);
  const solo = files.filter((f) => listed(SOLO, f));
  const rest = files.filter((f) => !listed(SOLO, f));
  const n = Math.min(rest.length, concurrency * 2);
  const bins = Array.from({ length: n }, () => ({ cost: 0, files: [] }));
  const cost = (f) => COST[posix(f)] ?? 1;
  for (const f of [...rest].sort((a, b) => cost(b) - cost(a))) {
    const bin = bins.reduce((a, b) => (b.cost < a.cost ? b : a));
    bin.files.push(f);
    bin.cost += cost(f);
  }
  const slug = name.replace(/[^a-z0-9]+/gi, "-");
  const entries = bins.map((bin, i) => {
    const entry = join(batchDir, `${slug}-${i + 1}.mjs`);
    const list = bin.files.sort().map((f) => [posix(f), pathToFileURL(target(f)).href]);
    writeFileSync(entry, batchModule(list));
    return entry;
  });
  return [...solo.sort((a, b) => cost(b) - cost(a)).map(target), ...entries];
}

function run({ name, env, files }) {
  if (!files.length) return Promise.resolve({ name, ok: true, out: "" });
  const argv = [...(built ? ["--enable-source-maps"] : ["--import", "tsx"]), "--test", "--test-reporter=spec"];
  argv.push(`--test-concurrency=${concurrency}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...argv, ...batches(name, files)], {
      stdio: parallel ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, ...env },
    });
    const chunks = [];
    if (parallel) {
      child.stdout.on("data", (d) => chunks.push(d));
      child.stderr.on("data", (d) => chunks.push(d));
    }
    child.on("close", (code) => resolve({ name, ok: code === 0, out: Buffer.concat(chunks).toString() }));
  });
}

const results = [];
if (parallel) {
  console.log(`# ${runs.length} runs side by side (${cores} cores, ${concurrency} test processes at a time in each)`);
  await Promise.all(
    runs.map((r) =>
      run(r).then((res) => {
        process.stdout.write(`\n# ${res.name}\n${res.out}`);
        results.push(res);
      }),
    ),
  );
} else {
  for (const r of runs) {
    console.log(`\n# ${r.name}`);
    results.push(await run(r));
  }
}
if (batching) rmSync(batchDir, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok).map((r) => r.name);
console.log(failed.length ? `\n# FAILED: ${failed.join("; ")}` : `\n# passed: ${results.map((r) => r.name).join("; ")}`);
process.exit(failed.length ? 1 : 0);
