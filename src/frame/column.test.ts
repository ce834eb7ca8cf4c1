// Column helpers that the verbs lean on: maskToIndex.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { maskToIndex } from "./column.js";

describe("maskToIndex", () => {
  it("lists the rows whose byte is not 0, at any offset and length", () => {
    let seed = 5;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const bytes = Uint8Array.from({ length: 300 }, () => (rnd() < 0.1 ? (rnd() < 0.5 ? 1 : 255) : 0));
    for (let offset = 0; offset < 6; offset++)
      for (const length of [0, 1, 3, 4, 5, 8, 17, 64, 250]) {
        const mask = bytes.subarray(offset, offset + length);
        const want = [...mask.keys()].filter((i) => mask[i] !== 0);
        assert.deepEqual([...maskToIndex(mask)], want, `offset ${offset}, length ${length}`);
      }
  });
});
