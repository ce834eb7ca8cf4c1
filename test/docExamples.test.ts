// Executed docs: every single-line `@example` in src/ runs here with `tl` and `F` in scope.
// A trailing `// shape [..]` checks the result's shape, `// => text` its printed form.

import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as tl from "../src/index.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

const examples = sources("src").flatMap((file) =>
  readFileSync(file, "utf8").split("\n").flatMap((line, i) => {
    const m = /^\s*\*\s*@example\s+(.*)$/.exec(line);
    return m ? [{ where: `${file}:${i + 1}`, text: m[1]! }] : [];
  }),
);

it("there are examples to run", () => assert.ok(examples.length >= 10, `${examples.length} examples`));

for (const ex of examples) {
  it(`${ex.where}: ${ex.text}`, () => {
    const [code, comment] = ex.text.split(/\s\/\/\s/) as [string, string | undefined];
    tl.manualSeed(0);
    const result = new Function("tl", "F", `return (${code});`)(tl, tl.F) as unknown;
    const shape = comment && /^shape (\[.*\])$/.exec(comment.trim());
    if (shape) assert.deepEqual((result as tl.Tensor).shape, JSON.parse(shape[1]!));
    const printed = comment && /^=> (.*)$/.exec(comment.trim());
    if (printed) assert.equal(String(result), printed[1]);
  });
}
