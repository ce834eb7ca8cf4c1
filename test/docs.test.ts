// Every public export of the entry points ("tensorloom", "tensorloom/frame", "tensorloom/frame/node",
// "tensorloom/frame/arrow"), every public member of an exported class, and every Tensor method
// (the TensorMethods table in src/ops/methods.ts) has a doc comment, read through the TypeScript
// compiler API (test/support/publicApi.ts). test/fixtures/undocumentedApi.txt lists the names still
// without one; it may only shrink: a name missing from it fails, and so does a listed name that
// gained a doc comment or no longer exists (remove it: `node --import tsx scripts/docCoverage.ts --update`).
// Runs once (in the default wasm configuration), not once per backend: it reads source, not kernels.

import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { collectPublicApi, ROOT } from "./support/publicApi.js";
import { RUN_ONCE as once } from "./support/runOnce.js";

export const ALLOWLIST = "test/fixtures/undocumentedApi.txt";

export function readAllowlist(): string[] {
  return readFileSync(ROOT + ALLOWLIST, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

it("every public export, class member and Tensor method has a doc comment (or is on the shrinking allowlist)", {
  skip: !once && "runs once, in the wasm configuration",
  timeout: 60_000,
}, () => {
  const items = collectPublicApi();
  const names = new Set(items.map((i) => i.name));
  const allowed = new Set(readAllowlist());
  assert.ok(items.length > 500, `publicApi found only ${items.length} items: the enumeration broke`);
  assert.ok(
    items.some((i) => i.name === "tensorloom:Tensor#add") && items.some((i) => i.name === "tensorloom:nn.Linear"),
    "publicApi missed known names",
  );
  const missing = items.filter((i) => !i.documented && !allowed.has(i.name)).map((i) => `${i.name} (${i.file})`);
  const gained = items.filter((i) => i.documented && allowed.has(i.name)).map((i) => i.name);
  const gone = [...allowed].filter((n) => !names.has(n));
  const problems: string[] = [];
  if (missing.length)
    problems.push(
      `${missing.length} public names lack a doc comment (/** ... */ saying what it does and its PyTorch/pandas equivalent):\n  ${missing.join("\n  ")}`,
    );
  if (gained.length)
    problems.push(
      `${gained.length} names in ${ALLOWLIST} are documented now; remove them (scripts/docCoverage.ts --update):\n  ${gained.join("\n  ")}`,
    );
  if (gone.length)
    problems.push(
      `${gone.length} names in ${ALLOWLIST} are no longer public; remove them (scripts/docCoverage.ts --update):\n  ${gone.join("\n  ")}`,
    );
  assert.equal(problems.length, 0, problems.join("\n"));
});
