// Errors name the call the user made (asOp, tensor/opContext.ts): a table of public ops given
// bad input that fails inside an op they call, each message starting with the public op's name.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { asOp } from "./opContext.js";

const F = tl.nn.functional;
const f32 = (shape: number[]): tl.Tensor => tl.ones(shape);
const ints = (shape: number[]): tl.Tensor => tl.ones(shape, { dtype: "int32" });
const idx = (v: number[]): tl.Tensor => tl.tensor(v, { dtype: "int32" });

/** Run fn with the element limit lowered to n (inputs under it, the result over it). */
function underLimit<T>(n: number, fn: () => T): T {
  const prev = tl.setMaxElements(n);
  try {
    return fn();
  } finally {
    tl.setMaxElements(prev);
  }
}

// [the op the user called, the call, the inner op whose check fails (null: the op's own check)]
const cases: [string, () => unknown, string | null][] = [
  ["mseLoss", () => F.mseLoss(ints([3]), ints([3])), null],
  ["l1Loss", () => F.l1Loss(ints([3]), ints([3])), "mean"],
  ["smoothL1Loss", () => F.smoothL1Loss(ints([3]), ints([3])), null],
  ["crossEntropy", () => F.crossEntropy(f32([2, 3]), idx([0, 5])), "nllLoss"],
  ["crossEntropy", () => F.crossEntropy(f32([2, 3]), idx([0])), "nllLoss"],
  ["nllLoss", () => F.nllLoss(f32([2, 3]), idx([0, 3])), null],
  ["binaryCrossEntropyWithLogits", () => F.binaryCrossEntropyWithLogits(f32([2, 3]), f32([2, 3]), { weight: f32([4]) }), "mul"],
  ["embedding", () => F.embedding(idx([0, 1]), f32([2, 3]), { paddingIdx: 5 }), null],
  ["pad", () => tl.pad(f32([1, 2, 3]), [1.5, 1]), null],
  ["std", () => tl.std(ints([3])), "var"],
  ["logsumexp", () => tl.logsumexp(f32([2, 3]), 2), null],
  ["batchNorm", () => F.batchNorm(f32([2, 3]), f32([3]), f32([3]), { weight: f32([3, 1]) }), null],
  ["layerNorm", () => F.layerNorm(f32([2, 3]), [3], f32([3]), f32([2])), null],
  ["maxPool2d", () => F.maxPool2d(ints([1, 1, 4, 4]), { kernelSize: 2 }), null],
  ["avgPool1d", () => F.avgPool1d(f32([1, 1, 4]), { kernelSize: 2, divisorOverride: 0.5 }), null],
  ["adaptiveAvgPool2d", () => F.adaptiveAvgPool2d(f32([1, 0, 3]), 2), null],
  ["LSTM", () => new tl.nn.LSTM(3, 4).forward(f32([0, 2, 3])), null],
  ["GRU", () => new tl.nn.GRU(3, 4, { batchFirst: true }).forward(f32([2, 0, 3])), null],
  ["LSTMCell", () => new tl.nn.LSTMCell(3, 4).forward(f32([2, 5])), null],
  ["maskedFill", () => f32([2, 3]).maskedFill(tl.ones([4], { dtype: "bool" }), 0), "where"],
  ["mul", () => tl.mul(f32([65536, 1]), f32([1, 65536])), null],
  ["zeros", () => tl.zeros([1, 1e9]), null],
  ["arange", () => tl.arange(0, 1e9), null],
  ["randn", () => tl.randn([65536, 65536]), null],
  ["tensor", () => tl.tensor({ toTensor: () => f32([1]) } as never), null],
  ["softmax", () => tl.softmax(ints([3]), 0), null],
  ["softmax", () => tl.softmax(f32([3]), 1), null],
  ["silu", () => F.silu(ints([3])), null],
  ["matmul", () => tl.matmul(f32([65536, 2]), f32([2, 65536])), null],
  ["matmul", () => tl.matmul(f32([2, 3, 4]), f32([3, 4, 5])), null],
  ["expand", () => f32([1, 1]).expand([65536, 65536]), null],
  ["cat", () => underLimit(1000, () => tl.cat([f32([600]), f32([600])])), null],
  ["stack", () => tl.stack([f32([2]), f32([3])]), null],
];

describe("errors name the op the user called", () => {
  for (const [op, run, inner] of cases) {
    it(`${op}${inner ? ` (failing inside ${inner})` : ""}`, () => {
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof tl.TensorloomError, `expected a library error, got ${String(e)}`);
        assert.match(e.message, new RegExp(`^${op}: `), `message: ${e.message}`);
        if (inner) assert.match(e.message, new RegExp(`\\(raised by ${inner} inside ${op}\\)\\.$`), `message: ${e.message}`);
        assert.ok(
          String(e.stack).startsWith(`${e.name}: ${e.message}`),
          `the stack's first line is the rewritten message: ${String(e.stack).split("\n")[0]}`,
        );
        return true;
      });
    });
  }
});

describe("asOp", () => {
  it("only the outermost call names the error; errors that are not the library's pass unchanged", () => {
    const inner = (): never => {
      throw new tl.ShapeError("inner: bad shape [2].");
    };
    const seen: string[] = [];
    for (const [outer, middle] of [
      ["a", "b"],
      ["c", "c"],
    ] as const) {
      try {
        asOp(outer, () => asOp(middle, inner));
      } catch (e) {
        seen.push((e as Error).message);
      }
    }
    assert.deepEqual(seen, ["a: bad shape [2] (raised by inner inside a).", "c: bad shape [2] (raised by inner inside c)."]);
    const bug = new TypeError("x is undefined");
    assert.throws(
      () =>
        asOp("a", () => {
          throw bug;
        }),
      (e: unknown) => e === bug && bug.message === "x is undefined",
    );
    // a message already naming the op is left alone, and the context is reset after a throw
    assert.throws(
      () =>
        asOp("a", () => {
          throw new tl.ValueError("a: nope.");
        }),
      /^ValueError: a: nope\.$/,
    );
    assert.throws(() => asOp("b", inner), /^ShapeError: b: bad shape \[2\] \(raised by inner inside b\)\.$/);
  });
});
