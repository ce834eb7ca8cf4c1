// The CSV fuzzer's full run (`npm run fuzz:csv`): generated CSV texts read by readCsv and judged
// against a reference RFC-4180 splitter and a model of pandas' typing rules, plus a
// readCsv -> toCsv -> readCsv round trip; counts per class, failures listed. Exit code 1 when any
// case is a crash, hang, silent difference, refused valid input or changed round trip.
//   npm run fuzz:csv [-- --seed N --count N]
// With --child it runs cases in this process, printing each case number before running it (the
// parent's watchdog reads them; see runWithWatchdog in src/frame/io/csvFuzzKit.test.ts).

import { writeSync } from "node:fs";
import { CLASSES, runCases, runWithWatchdog } from "../src/frame/io/csvFuzzKit.test.js";

const args = process.argv.slice(2);
const num = (name: string, dflt: number): number => {
  const k = args.indexOf(`--${name}`);
  if (k < 0) return dflt;
  const v = Number(args[k + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`fuzzCsv: --${name} needs a non-negative integer, got ${JSON.stringify(args[k + 1])}.`);
    process.exit(2);
  }
  return v;
};
const seed = num("seed", 20261207),
  from = num("from", 0),
  count = num("count", 12_000);

if (args.includes("--child")) {
  // --hang-at N: case N never returns (the watchdog's own test)
  const hangAt = args.includes("--hang-at") ? num("hang-at", -1) : -1;
  const summary = await runCases(seed, from, count, (i) => {
    // written synchronously before the case runs, so the watchdog knows which case stopped answering
    writeSync(1, `${i}\n`);
    if (i === hangAt) for (;;);
  });
  writeSync(1, `SUMMARY ${JSON.stringify(summary)}\n`);
} else {
  const t0 = Date.now();
  const s = await runWithWatchdog(seed, from, count);
  console.log(`CSV fuzz: seed ${seed}, cases ${from}..${from + count - 1} (${count}), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(
    `shapes: ${Object.entries(s.shapes)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
  for (const k of CLASSES) console.log(`  ${k.padEnd(26)} ${s.counts[k]}`);
  for (const f of s.failures) console.log(`\n#${f.i} ${f.cls}: ${f.detail.split("\n")[0]}\n  input: ${JSON.stringify(f.input)}`);
  const bad = CLASSES.filter((k) => k !== "ok" && k !== "refused invalid").reduce((a, k) => a + s.counts[k], 0);
  process.exitCode = bad ? 1 : 0;
}
