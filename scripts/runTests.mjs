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
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
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
const posix = (f) => f.split("\\").join("/");
/** Whether file f is on a list of files and folders (an entry ending in "/" covers what is under it). */
const listed = (list, f) => list.some((p) => (p.endsWith("/") ? posix(f).startsWith(p) : posix(f) === p));
// The webgpu backend's Node files (Dawn on a Vulkan driver; SwiftShader's CPU emulation here, about
// a minute of CPU) are that backend's tests, not a CPU configuration's: `npm run test:webgpu` runs
// them (this runner with a filter naming them), then the same backend in Chromium. Without a
// filter they are left out.
const GPU_FILES = ["src/backends/webgpu/"];
const chosen = filter.length ? files.filter((f) => filter.some((s) => f.includes(s))) : files.filter((f) => !listed(GPU_FILES, f));
const isFree = (f) => !listed(EXCEPT, f) && listed(BACKEND_FREE, f);
const onceGated = (f) => listed(ONCE_GATED, f);
const wasmOnly = (f) => listed(WASM_ONLY, f);

// One run per configuration, the backend-free files as one more.
const runs = backends.map((backend) => ({
  name: `backend: ${backend}`,
  env: configs[backend],
  files: chosen.filter(
    (f) => !isFree(f) && (backend === "wasm" || !(onceGated(f) || listed(ABOVE_KERNELS, f))) && (backend !== "reference" || !wasmOnly(f)),
  ),
}));
const free = chosen.filter(isFree);
if (free.length) runs.push({ name: "backend-free files, once", env: NO_BACKEND, files: free });

// All runs share one pool of test processes: two at a time on two cores (most tests use one
// core; the wasm kernels' worker threads wait on a 60 s watchdog, far beyond any slowdown sharing
// the cores causes), a core less than the machine has above that. One pool, not one per run:
// the heaviest processes of every configuration start first and the light ones fill in at the
// end, so no run waits for its last process while a core idles. TENSORLOOM_TEST_JOBS sets the
// number of processes at a time.
const cores = availableParallelism();
const concurrency = Number(process.env.TENSORLOOM_TEST_JOBS) || Math.max(2, cores - 1);

const viaTsx = process.env.TENSORLOOM_TEST_TSX === "1";
const built = viaTsx ? null : await buildTests();
const target = (f) => resolvePath(built ? join(built.out, `${f.slice(0, -3)}.js`) : f);

// Batches. `node --test` starts a process per file it is given, and each process loads the library
// again (about 0.4 s of CPU, 137 files per configuration). Instead each configuration's files are
// dealt into a few batches: a generated module sets the configuration's environment, then imports
// each file of its batch inside a describe named by the configuration and the file (the report
// still groups tests by file, and a file's before/after hooks stay its own), and `node --test`
// runs one process per batch. The files share the process's modules: a test that changes
// library-wide state (backend, default dtype, seeds, threads) restores it, as it must for the
// test after it in its own file. SOLO files run in a batch of their own: they check what a fresh
// process does first. Files are dealt heaviest first (COST: seconds measured on this 2-core host,
// CPU or wall where a file waits on children, from TENSORLOOM_TEST_CPU=1 TENSORLOOM_TEST_BATCH=0;
// others count 1) to the lightest batch, so batches end together, and the batches of all
// configurations start heaviest first. TENSORLOOM_TEST_BATCH=0 runs one process per file.
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
const COST = {
  "src/backends/webgpu/kernels.test.ts": 33,
  "src/backends/webgpu/memory.test.ts": 32,
  "src/backends/webgpu/training.test.ts": 18,
  "src/backends/wasm/threads.stress.test.ts": 22,
  "src/backends/wasm/wasm.test.ts": 18,
  "test/package.test.ts": 20,
  "src/backends/wasm/residency.test.ts": 16,
  "src/frame/io/csvCutWasm.test.ts": 13,
  "src/train/worker.test.ts": 12,
  "src/frame/io/csvBytes.test.ts": 10,
  "src/cli/tabular.test.ts": 10,
  "src/cli/main.test.ts": 10,
  "src/backends/wasm/differential.test.ts": 8,
  "test/differential/differential.test.ts": 7,
  "src/io/safetensors.fuzz.test.ts": 6,
  "src/frame/differential.test.ts": 5,
  "test/docExamples.test.ts": 5,
  "src/nn/rnn.test.ts": 5,
  "src/onnx/onnx.test.ts": 5,
  "src/frame/io/chunks.test.ts": 4,
  "test/differential/edges.test.ts": 4,
  "test/differential/cnn.test.ts": 3,
  "test/differential/modules.test.ts": 3,
  "src/ops/conv.test.ts": 3,
  "src/ops/unfilled.test.ts": 3,
};
const batching = process.env.TENSORLOOM_TEST_BATCH !== "0";
// one folder per runner: two runs in one checkout (by hand, beside npm test) keep their batches
const batchDir = join(built ? built.out : ".testbuild", "_batches", String(process.pid));
rmSync(batchDir, { recursive: true, force: true });
mkdirSync(batchDir, { recursive: true });

// The module for one batch. It sets the configuration's environment before anything loads the
// library (which reads TENSORLOOM_BACKEND and TENSORLOOM_WASM_FMA as it loads), then loads the
// files one after another; a file that changes process.env as it loads fails, naming itself: a
// setting read when the library loads (TENSORLOOM_WASM_CHECKED...) would otherwise reach the
// files after it unnoticed, or miss a library another file loaded first. (Tests that change it
// restore it, as within a file.)
function batchModule(name, env, list, solo) {
  return `// generated by scripts/runTests.mjs: one test process for these files (${name})
import assert from "node:assert/strict";
import { describe } from "node:test";
${cpuReport ? `import { appendFileSync } from "node:fs";\nprocess.on("exit", () => { const u = process.cpuUsage(); appendFileSync(${JSON.stringify(cpuReport)}, JSON.stringify({ run: ${JSON.stringify(name)}, files: ${JSON.stringify(list.map(([f]) => f))}, cpu: (u.user + u.system) / 1e6 }) + "\\n"); });\n` : ""}Object.assign(process.env, ${JSON.stringify(env)});
let loaded = Promise.resolve();
for (const [file, url] of ${JSON.stringify(list)}) {
  const previous = loaded;
  let done;
  loaded = new Promise((resolve) => (done = resolve));
  describe(\`[${name}] \${file}\`, async () => {
    await previous;
    const env = { ...process.env };
    try {
      await import(url);
    } finally {
      done();
    }
    ${solo ? "// alone in its process: it may set what the library reads as it loads" : `assert.deepEqual({ ...process.env }, env, \`\${file} changed process.env as it loaded: list it in SOLO (scripts/runTests.mjs)\`);`}
  });
}
`;
}

const cost = (f) => COST[posix(f)] ?? 1;
// TENSORLOOM_TEST_CPU=1: print each test process's CPU seconds at the end (with
// TENSORLOOM_TEST_BATCH=0, each file's), heaviest first: what COST should say
const cpuReport = process.env.TENSORLOOM_TEST_CPU === "1" ? resolvePath(join(batchDir, "cpu.jsonl")) : null;

/** A run's batches: { run, file (the generated module), cost }. */
function batches({ name, env, files }) {
  const solo = batching ? files.filter((f) => listed(SOLO, f)) : files;
  const rest = batching ? files.filter((f) => !listed(SOLO, f)) : [];
  const n = Math.min(rest.length, concurrency * 2);
  const bins = [
    ...solo.map((f) => ({ cost: cost(f), files: [f], solo: true })),
    ...Array.from({ length: n }, () => ({ cost: 0, files: [] })),
  ];
  const shared = bins.slice(solo.length);
  for (const f of [...rest].sort((a, b) => cost(b) - cost(a))) {
    const bin = shared.reduce((a, b) => (b.cost < a.cost ? b : a));
    bin.files.push(f);
    bin.cost += cost(f);
  }
  const slug = name.replace(/[^a-z0-9]+/gi, "-");
  return bins.map((bin, i) => {
    const file = join(batchDir, `${slug}-${i + 1}.mjs`);
    const list = bin.files.sort().map((f) => [posix(f), pathToFileURL(target(f)).href]);
    writeFileSync(file, batchModule(name.replace(/^backend: /, ""), env, list, bin.solo));
    return { run: name, file: resolvePath(file), cost: bin.cost };
  });
}

// Every batch of every run in one `node --test`, heaviest first (a stable sort: ties keep the runs'
// order). A second reporter (scripts/testOutcomes.mjs) writes each process's counts with its batch
// file, from which the runner counts each run's tests.
const jobs = runs.flatMap(batches).sort((a, b) => b.cost - a.cost);
const runOf = new Map(jobs.map((j) => [j.file, j.run]));
const tallyFile = join(batchDir, "outcomes.jsonl");
const argv = [
  ...(built ? ["--enable-source-maps"] : ["--import", "tsx"]),
  "--test",
  `--test-concurrency=${concurrency}`,
  "--test-reporter=spec",
  "--test-reporter-destination=stdout",
  `--test-reporter=${pathToFileURL(resolvePath("scripts/testOutcomes.mjs")).href}`,
  `--test-reporter-destination=${tallyFile}`,
];
console.log(`# ${runs.map((r) => r.name).join("; ")}: ${jobs.length} test processes, ${concurrency} at a time`);
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, [...argv, ...jobs.map((j) => j.file)], { stdio: "inherit" });
  child.on("close", resolve);
});
const counts = new Map(runs.map((r) => [r.name, { tests: 0, pass: 0, fail: 0, skipped: 0 }]));
const reported = new Set();
for (const line of readFileSync(tallyFile, "utf8").split("\n")) {
  if (!line) continue;
  const o = JSON.parse(line);
  const c = counts.get(runOf.get(o.file));
  if (!c) continue;
  reported.add(o.file);
  for (const k of ["tests", "pass", "fail", "skipped"]) c[k] += o[k];
}
// a process that never reported (killed, or the runner itself failed) fails its run
for (const j of jobs) if (!reported.has(j.file)) counts.get(j.run).fail++;
if (cpuReport) {
  const rows = readFileSync(cpuReport, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  rows.sort((a, b) => b.cpu - a.cpu);
  console.log(`\n# CPU seconds per test process (${rows.reduce((t, r) => t + r.cpu, 0).toFixed(1)} in all)`);
  for (const r of rows)
    console.log(`# ${r.cpu.toFixed(1).padStart(6)}  [${r.run}] ${r.files.length === 1 ? r.files[0] : `${r.files.length} files`}`);
}
rmSync(batchDir, { recursive: true, force: true });
console.log("");
for (const [name, c] of counts) console.log(`# ${name}: tests ${c.tests}, pass ${c.pass}, fail ${c.fail}, skipped ${c.skipped}`);
const failed = [...counts].filter(([, c]) => c.fail > 0).map(([name]) => name);
if (code !== 0 && failed.length === 0) failed.push(`node --test (exit code ${code})`);
console.log(failed.length ? `\n# FAILED: ${failed.join("; ")}` : `\n# passed: ${runs.map((r) => r.name).join("; ")}`);
process.exit(failed.length ? 1 : 0);
