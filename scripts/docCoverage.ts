// Doc-comment coverage of the public API (test/support/publicApi.ts): counts per kind, the
// undocumented names with --list, and with --update removes documented or vanished names from
// test/fixtures/undocumentedApi.txt. It never adds a name: a new public name needs a doc comment.
//   node --import tsx scripts/docCoverage.ts [--list] [--update]

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { collectPublicApi, ROOT } from "../test/support/publicApi.js";

const ALLOWLIST = ROOT + "test/fixtures/undocumentedApi.txt";
const args = new Set(process.argv.slice(2));
const items = collectPublicApi();
for (const kind of ["export", "member", "method"] as const) {
  const of = items.filter((i) => i.kind === kind);
  const label = { export: "exports", member: "public class members", method: "Tensor methods" }[kind];
  console.log(`${label}: ${of.filter((i) => i.documented).length} of ${of.length} documented`);
}
const undocumented = items.filter((i) => !i.documented);
if (args.has("--list")) for (const i of undocumented) console.log(`  ${i.name} (${i.file})`);
if (args.has("--update")) {
  const header =
    "# Public names still without a doc comment (test/docs.test.ts). This list may only shrink:\n# document a name, then run `node --import tsx scripts/docCoverage.ts --update`.\n";
  const old = existsSync(ALLOWLIST)
    ? readFileSync(ALLOWLIST, "utf8")
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
    : null;
  const still = new Set(undocumented.map((i) => i.name));
  const keep = old === null ? [...still].sort() : old.filter((n) => still.has(n));
  const added = [...still].filter((n) => !keep.includes(n));
  writeFileSync(ALLOWLIST, header + keep.join("\n") + "\n");
  console.log(`${ALLOWLIST.slice(ROOT.length)}: ${keep.length} names${old ? ` (was ${old.length})` : ""}`);
  if (added.length) {
    console.error(`not added (document these): ${added.join(", ")}`);
    process.exitCode = 1;
  }
}
