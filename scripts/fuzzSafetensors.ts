// The full safetensors fuzz run (`npm run fuzz:safetensors`): files and dicts from
// test/support/safetensorsFuzz.ts (one of each per input index) judged by its oracle, counts per
// class printed. The inputs run in
// a watched worker thread (runWatched), so a decoder that never returns is reported as a hang
// with the input's index instead of freezing the run.
//   node --import tsx scripts/fuzzSafetensors.ts [--seed=13] [--from=0] [--count=20000] [--hang-ms=10000]
// Exit code 1 when any input falls in a failure class or hangs. Replay one input with
// --from=<index> --count=1.

import { FAILURE_CLASSES, runWatched } from "../test/support/safetensorsFuzz.js";

const arg = (name: string, dflt: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a === undefined ? dflt : Number(a.slice(name.length + 3));
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`fuzzSafetensors: --${name} must be a non-negative integer, got ${a}.`);
    process.exit(2);
  }
  return v;
};
const seed = arg("seed", 13),
  from = arg("from", 0),
  count = arg("count", 20_000),
  hangMs = arg("hang-ms", 10_000);
const started = Date.now();
const total = await runWatched(seed, from, count, hangMs);

const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `  ${k.padEnd(40)} ${v}`)
    .join("\n");
console.log(
  `safetensors fuzz: seed ${seed}, inputs ${from}..${from + count - 1} (${count}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`files by class:\n${fmt({ ...total.counts, hang: total.hangs.length })}`);
console.log(`dicts written by encodeSafetensors, by class:\n${fmt(total.writer)}`);
console.log(`refusals by rule (oracle):\n${fmt(total.rules)}`);
console.log(`mutations applied:\n${fmt(total.labels)}`);
const bad = FAILURE_CLASSES.reduce((s, c) => s + total.counts[c]! + total.writer[c]!, 0) + total.hangs.length;
for (const h of total.hangs) console.log(`HANG at input ${h.index} (${h.label}): replay with --from=${h.index} --count=1`);
for (const f of total.failures) console.log(`${f.cls.toUpperCase()} at input ${f.index} (${f.label}): ${f.detail}`);
console.log(bad ? `FAILED: ${bad} inputs in failure classes` : "no failures");
process.exit(bad ? 1 : 0);
