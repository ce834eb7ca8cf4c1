// A node:test reporter for scripts/runTests.mjs: one JSON line per test process (the runner's
// batch module) with its counts, so the runner can count each configuration's tests when all
// configurations share one `node --test`. node:test reports each process's events together, in
// the order the processes were given; a batch's describes, named "[configuration] file", carry
// the batch module as their file and come before the tests of their file (whose own file is the
// test's source), so each test counts for the last batch module seen.
export default async function* outcomes(source) {
  const counts = new Map();
  let current = null;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { file, skip, todo, details } = event.data;
    const failed = event.type === "test:fail";
    if (/[\\/]_batches[\\/]/.test(file ?? "")) {
      current = file;
      if (!counts.has(file)) counts.set(file, { tests: 0, pass: 0, fail: 0, skipped: 0 });
    }
    const c = counts.get(current);
    if (!c) continue;
    if (details?.type === "suite") {
      if (failed) c.fail++; // a hook or a file's loading threw: its tests may have passed
      continue;
    }
    c.tests++;
    if (failed) c.fail++;
    else if (skip !== undefined || todo !== undefined) c.skipped++;
    else c.pass++;
  }
  for (const [file, c] of counts) yield `${JSON.stringify({ file, ...c })}\n`;
}
