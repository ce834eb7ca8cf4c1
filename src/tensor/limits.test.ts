// The element limit (tensor/limits.ts): sizes that would exhaust memory, or that no typed array
// can hold, are refused before anything is allocated, with a library error naming the user's op
// and the shape; the limit is configurable and applies to every allocation.

import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { throwsWith } from "../../test/support/check.js";

afterEach(() => {
  tl.setMaxElements(tl.DEFAULT_MAX_ELEMENTS);
});

const big = (): tl.Tensor => tl.ones([65536, 1]);

// [op, call, shape the message must show] — each far above the default limit
const huge: [string, () => unknown, string][] = [
  ["zeros", () => tl.zeros([1, 1e9]), "[1, 1000000000]"],
  ["ones", () => tl.ones([40000, 40000]), "[40000, 40000]"],
  ["full", () => tl.full([3e8], 1.5), "[300000000]"],
  ["empty", () => tl.empty([2 ** 20, 2 ** 10]), "[1048576, 1024]"],
  ["randn", () => tl.randn([65536, 65536]), "[65536, 65536]"],
  ["rand", () => tl.rand([2 ** 29]), "[536870912]"],
  ["randint", () => tl.randint(0, 5, [2 ** 15, 2 ** 15]), "[32768, 32768]"],
  ["arange", () => tl.arange(0, 1e9), "[1000000000]"],
  ["arange", () => tl.arange(0, 1, 1e-9), "[1000000000]"],
  ["linspace", () => tl.linspace(0, 1, 1e9), "[1000000000]"],
  ["eye", () => tl.eye(3e4), "[30000, 30000]"],
  ["randperm", () => tl.randperm(1e9), "[1000000000]"],
  ["mul", () => tl.mul(big(), tl.ones([1, 65536])), "[65536, 65536]"],
  ["add", () => tl.add(big(), tl.ones([1, 65536]), 2), "[65536, 65536]"],
  ["pad", () => tl.pad(tl.ones([1, 1, 3]), [1e9, 0], "replicate"), "[1, 1, 1000000003]"],
  ["adaptiveAvgPool2d", () => tl.nn.functional.adaptiveAvgPool2d(tl.ones([1, 1, 4, 4]), 2e4), "[1, 1, 20000, 20000]"],
  ["adaptiveMaxPool1d", () => tl.nn.functional.adaptiveMaxPool1d(tl.ones([2, 3, 4]), 1e8), "[2, 3, 100000000]"],
];

describe("sizes above the element limit are refused before allocating", () => {
  for (const [op, run, shape] of huge) {
    it(`${op} ${shape}`, () => {
      const esc = shape.replace(/[[\]]/g, "\\$&");
      throwsWith(
        run,
        tl.ShapeError,
        new RegExp(`^${op}: shape ${esc} holds [\\d,]+ elements, more than the limit of 268,435,456 per tensor`),
        /tl\.setMaxElements\(n\)/,
      );
    });
  }

  it("above 2^32 elements (what a typed array can hold) the error is the library's, not a RangeError", () => {
    tl.setMaxElements(2 ** 32);
    for (const [op, run] of [
      ["zeros", () => tl.zeros([2 ** 16, 2 ** 16 + 1])],
      ["randn", () => tl.randn([65536, 65536, 2])],
      ["arange", () => tl.arange(0, 2 ** 33)],
    ] as const) {
      throwsWith(
        run,
        tl.ShapeError,
        new RegExp(`^${op}: shape \\[[\\d, ]+\\] holds [\\d,]+ elements, more than 2\\^32, the most a typed array can hold`),
      );
    }
  });
});

describe("setMaxElements", () => {
  it("the limit applies at n + 1 and not at n, for creation and for op outputs, whatever the shape's factors", () => {
    for (const n of [1, 6, 100, 4096, 99991]) {
      tl.setMaxElements(n);
      // shapes of exactly n and of n + 1 elements, as one dim and as two
      const shapes = (m: number): number[][] => [[m], [1, m], [m, 1]];
      for (const s of shapes(n)) assert.equal(tl.zeros(s).numel(), n);
      for (const s of shapes(n + 1)) {
        throwsWith(
          () => tl.zeros(s),
          tl.ShapeError,
          new RegExp(
            `^zeros: shape \\[${s.join(", ")}\\] holds ${(n + 1).toLocaleString("en-US")} elements, more than the limit of ${n.toLocaleString("en-US")}`,
          ),
        );
      }
      if (n > 1) {
        // an op whose output is larger than its inputs
        throwsWith(() => tl.ones([n + 1, 1], { dtype: "int32" }), tl.ShapeError, /^ones: /);
        const col = tl.ones([n, 1]);
        throwsWith(() => tl.mul(col, tl.ones([1, 2])), tl.ShapeError, new RegExp(`^mul: shape \\[${n}, 2\\] holds`));
      }
    }
  });

  it("returns the previous limit and refuses values that are not an integer in [1, 2^32]", () => {
    assert.equal(tl.getMaxElements(), tl.DEFAULT_MAX_ELEMENTS);
    assert.equal(tl.setMaxElements(10), tl.DEFAULT_MAX_ELEMENTS);
    assert.equal(tl.setMaxElements(20), 10);
    assert.equal(tl.getMaxElements(), 20);
    for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 32 + 1]) {
      throwsWith(() => tl.setMaxElements(bad), tl.ValueError, /^setMaxElements: the limit must be an integer in \[1, 4294967296\]/);
    }
    assert.equal(tl.getMaxElements(), 20, "a refused value leaves the limit as it was");
  });
});
