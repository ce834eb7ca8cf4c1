// Executed docs for the frame: every `@example` in src/frame whose code is on the next doc line
// runs here with the frame's exports and the data sets (iris, mtcars, warpbreaks, cylinders) in
// scope; a trailing `// shape [r, c]` checks the result's shape. (test/docExamples.test.ts runs
// the single-line examples of the tensor core, whose scope is `tl` and `F`.)

import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as frame from "./index.js";
import { dataset } from "./testing.test.js";

const root = fileURLToPath(new URL(".", import.meta.url));
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

const examples = sources(root).flatMap((file) => {
  const lines = readFileSync(file, "utf8").split("\n");
  return lines.flatMap((line, i) =>
    /^\s*\*\s*@example\s*$/.test(line)
      ? [{ where: `${file.slice(root.length)}:${i + 2}`, text: lines[i + 1]!.replace(/^\s*\*\s?/, "") }]
      : [],
  );
});

const scope = {
  ...frame,
  iris: dataset("iris"),
  mtcars: dataset("mtcars"),
  warpbreaks: dataset("warpbreaks"),
  cylinders: new frame.DataFrame({ cyl: [4, 6, 8], label: ["four", "six", "eight"] }),
};

it("there are frame examples to run", () => assert.ok(examples.length >= 8, `${examples.length} examples`));

for (const ex of examples) {
  it(`${ex.where}: ${ex.text}`, () => {
    const [code, comment] = ex.text.split(/\s\/\/\s/) as [string, string | undefined];
    const result = new Function(...Object.keys(scope), `return (${code});`)(...Object.values(scope)) as unknown;
    const shape = comment && /^shape (\[.*\])$/.exec(comment.trim());
    if (shape) assert.deepEqual((result as frame.DataFrame).shape, JSON.parse(shape[1]!));
  });
}
