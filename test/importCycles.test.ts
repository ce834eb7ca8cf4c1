// No import cycle of more than two files in src/ (issue #17): layers import downwards, and frame
// verbs build their results through src/frame/frames.ts instead of importing the DataFrame class
// that imports them. Two files that import each other are tolerated (ops/binary.ts and unary.ts).

import { it } from "node:test";
import assert from "node:assert/strict";
// @ts-expect-error a plain .mjs script without declarations
import { importCycles } from "../scripts/importCycles.mjs";

it("src/ has no import cycle of more than two files (scripts/importCycles.mjs)", () => {
  const long = (importCycles("src") as string[][]).filter((c) => c.length > 2);
  assert.deepEqual(
    long.map((c) => `${c.length} files: ${c.join(" ")}`),
    [],
  );
});

it("the cycle finder sees a cycle it is shown", () => {
  const cycles = importCycles("test/fixtures/importCycle") as string[][];
  assert.deepEqual(
    cycles.map((c) => c.length),
    [3],
  );
});
