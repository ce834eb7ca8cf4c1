// The heap's size classes (heap.ts sizeClass): four per power of two, a block at most 25% larger
// than asked, 16-aligned, and the same class for every request between two class sizes (a freed
// block serves the next request of its class). Checked against the definition written with
// Math.log2 over every size up to 1 MiB and a stride of sizes up to 8 GiB, the 2 GiB edge of the
// clz32 form included.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sizeClass } from "./heap.js";

/** The definition: the next multiple of a quarter of the request's power of two, at least 64 bytes. */
function byDefinition(bytes: number): number {
  const b = Math.max(64, bytes);
  const step = 2 ** Math.floor(Math.log2(b)) / 4;
  return Math.ceil(b / step) * step;
}

describe("wasm heap size classes", () => {
  it("match the definition for every size up to 1 MiB and across the 2 GiB edge", () => {
    const sizes: number[] = [];
    for (let b = 0; b <= 2 ** 20; b++) sizes.push(b);
    for (let b = 2 ** 20; b < 2 ** 33; b += 999_983) sizes.push(b);
    for (const e of [2 ** 31, 2 ** 32]) for (let d = -70; d <= 70; d++) sizes.push(e + d);
    for (const b of sizes) {
      const c = sizeClass(b);
      if (c !== byDefinition(b)) assert.fail(`sizeClass(${b}) = ${c}, expected ${byDefinition(b)}`);
    }
  });

  it("fit the request within 25%, 16-aligned, with four classes per power of two", () => {
    for (const b of [1, 64, 65, 100, 4096, 4097, 5000, 65_536, 300_000, 2 ** 31 - 1, 2 ** 31 + 1]) {
      const c = sizeClass(b);
      assert.ok(c >= b && c <= Math.max(64, 1.25 * b), `sizeClass(${b}) = ${c}`);
      assert.equal(c % 16, 0, `sizeClass(${b}) = ${c} is not 16-aligned`);
    }
    const classes = new Set<number>();
    for (let b = 4097; b <= 8192; b++) classes.add(sizeClass(b));
    assert.deepEqual([...classes], [5120, 6144, 7168, 8192]);
  });
});
