// The full safetensors fuzz run (`npm run fuzz:safetensors`): inputs from
// test/support/safetensorsFuzz.ts judged by its oracle, counts per class printed. The inputs run in
// a worker thread and the main thread watches its progress, so a decoder that never returns is
// reported as a hang (with the input's index) instead of freezing the run; the worker is then
// replaced and the run goes on after that input.
//   node --import tsx scripts/fuzzSafetensors.ts [--seed=13] [--count=20000] [--hang-ms=10000]
// Exit code 1 when any input falls in a failure class or hangs. Replay one input with
// --from=<index> --count=1.

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { CLASSES, FAILURE_CLASSES, type RunResult, generate, run } from "../test/support/safetensorsFuzz.js";

interface Job {
  seed: number;
  from: number;
  to: number;
  progress: SharedArrayBuffer;
}

if (!isMainThread) {
  const job = workerData as Job;
  const progress = new Int32Array(job.progress);
  const result = run(job.seed, job.from, job.to, (i) => Atomics.store(progress, 0, i));
  parentPort!.postMessage(result);
} else {
  const arg = (name: string, dflt: number): number => {
    const a = process.argv.find((x) => x.startsWith(`--${name}=`));
    const v = a === undefined ? dflt : Number(a.slice(name.length + 3));
    if (!Number.isSafeInteger(v) || v < 0) {
      console.error(`fuzzSafetensors: --${name} must be a non-negative integer, got ${a}.`);
      process.exit(2);
    }
    return v;
  };
  const seed = arg("seed", 13), from = arg("from", 0), count = arg("count", 20_000), hangMs = arg("hang-ms", 10_000);
  const total: RunResult = { counts: Object.fromEntries(CLASSES.map((c) => [c, 0])), labels: {}, rules: {}, failures: [] };
  const hangs: { index: number; label: string }[] = [];
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  const started = Date.now();

  /** Runs [start, end) in a worker; resolves with the index after a hang, or end when done. */
  const runChunk = (start: number, end: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const progress = new SharedArrayBuffer(4);
      const at = new Int32Array(progress);
      at[0] = start - 1;
      // Node 20 loads a worker's entry before its --import hooks run: register tsx first
      const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
      const worker = new Worker(boot, { eval: true, workerData: { seed, from: start, to: end, progress } satisfies Job });
      let last = -2, since = Date.now();
      const watch = setInterval(() => {
        const now = Atomics.load(at, 0);
        if (now !== last) {
          last = now;
          since = Date.now();
        } else if (Date.now() - since > hangMs && now >= start) {
          clearInterval(watch);
          hangs.push({ index: now, label: generate(seed, now).label });
          void worker.terminate().then(() => resolve(now + 1));
        }
      }, 250);
      worker.once("message", (r: RunResult) => {
        clearInterval(watch);
        add(total.counts, r.counts);
        add(total.labels, r.labels);
        add(total.rules, r.rules);
        total.failures.push(...r.failures);
        resolve(end);
      });
      worker.once("error", (e) => {
        clearInterval(watch);
        reject(e);
      });
    });

  let next = from;
  while (next < from + count) next = await runChunk(next, from + count);

  const fmt = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${k.padEnd(40)} ${v}`).join("\n");
  console.log(`safetensors fuzz: seed ${seed}, inputs ${from}..${from + count - 1} (${count}), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`classes:\n${fmt({ ...total.counts, hang: hangs.length })}`);
  console.log(`refusals by rule (oracle):\n${fmt(total.rules)}`);
  console.log(`mutations applied:\n${fmt(total.labels)}`);
  const bad = FAILURE_CLASSES.reduce((s, c) => s + total.counts[c]!, 0) + hangs.length;
  for (const h of hangs) console.log(`HANG at input ${h.index} (${h.label}): replay with --from=${h.index} --count=1`);
  for (const f of total.failures) console.log(`${f.cls.toUpperCase()} at input ${f.index} (${f.label}): ${f.detail}`);
  console.log(bad ? `FAILED: ${bad} inputs in failure classes` : "no failures");
  process.exit(bad ? 1 : 0);
}
