// F.embedding and nn.Embedding against PyTorch's embedding fixtures (padding_idx, 1-D input,
// scale_grad_by_freq) on every backend, float64 and float32; gradchecks, maxNorm, the module and
// error messages.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { type FixtureCase, describeFixtures } from "../../test/support/fixtures.js";
import { close, throwsWith } from "../../test/support/check.js";

const { F, nn } = tl;

function call(c: FixtureCase, ins: Record<string, tl.Tensor>): tl.Tensor {
  const a = c.args as {
    padding_idx: number | null;
    max_norm: number | null;
    norm_type: number;
    scale_grad_by_freq: boolean;
    sparse: boolean;
  };
  return F.embedding(ins.input!, ins.weight!, {
    paddingIdx: a.padding_idx,
    maxNorm: a.max_norm,
    normType: a.norm_type,
    scaleGradByFreq: a.scale_grad_by_freq,
    sparse: a.sparse,
  });
}

describeFixtures("embedding", call);

describe("embedding", () => {
  const idx = tl.tensor([
    [1, 3, 1],
    [0, 3, 3],
  ]);

  // paddingIdx and scaleGradByFreq change the gradient by convention (it is no longer the
  // derivative), so only the plain lookup is checked against finite differences; the fixtures
  // and the tests below check the other two.
  it("gradcheck (float64)", () => {
    tl.manualSeed(1);
    tl.gradCheck((w) => F.embedding(idx, w), [tl.randn([5, 2], { dtype: "float64" }).requiresGrad_()]);
  });

  it("padding row: real values forward, zero gradient; negative paddingIdx counts from the end", () => {
    const w = tl.arange(10).reshape([5, 2]).to("float64").requiresGrad_();
    const out = F.embedding(idx, w, { paddingIdx: -2 }); // row 3
    assert.deepEqual(out.toArray(), [
      [
        [2, 3],
        [6, 7],
        [2, 3],
      ],
      [
        [0, 1],
        [6, 7],
        [6, 7],
      ],
    ]);
    out.sum().backward();
    assert.deepEqual(w.grad!.toArray(), [
      [1, 1],
      [2, 2],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it("scaleGradByFreq divides each row's gradient by its count", () => {
    const w = tl.ones([5, 2], { dtype: "float64", requiresGrad: true });
    F.embedding(idx, w, { scaleGradByFreq: true }).sum().backward();
    close(
      w.grad,
      [
        [1, 1],
        [1, 1],
        [0, 0],
        [1, 1],
        [0, 0],
      ],
      { atol: 1e-15, rtol: 0 },
    );
  });

  it("maxNorm renormalises the looked-up rows in place, as embedding_renorm_", () => {
    const w = tl.tensor(
      [
        [3, 4],
        [0.3, 0.4],
        [6, 8],
      ],
      { dtype: "float64" },
    );
    const out = F.embedding(tl.tensor([0, 1]), w, { maxNorm: 1 });
    close(
      out,
      [
        [0.6, 0.8],
        [0.3, 0.4],
      ],
      { atol: 1e-6 },
    );
    close(
      w,
      [
        [0.6, 0.8],
        [0.3, 0.4],
        [6, 8],
      ],
      { atol: 1e-6 },
    ); // row 2 not looked up: unchanged
  });

  it("nn.Embedding: N(0,1) init with a zero padding row, state dict, fromPretrained, repr", () => {
    tl.manualSeed(2);
    const e = new nn.Embedding(1000, 4, { paddingIdx: 0 });
    assert.deepEqual(Object.keys(e.stateDict()), ["weight"]);
    assert.deepEqual(e.weight.narrow(0, 0, 1).toArray(), [[0, 0, 0, 0]]);
    const v = Array.from(e.weight.narrow(0, 1, 999).storage);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    assert.ok(Math.abs(mean) < 0.05 && Math.abs(sd - 1) < 0.05, `mean ${mean}, sd ${sd}`);
    assert.equal(String(e), "Embedding(1000, 4, padding_idx=0)");
    const p = nn.Embedding.fromPretrained(
      tl.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float32" },
      ),
    );
    assert.equal(p.weight.requiresGrad, false);
    assert.deepEqual(p.forward(tl.tensor([1])).toArray(), [[3, 4]]);
    assert.equal(nn.Embedding.fromPretrained(tl.tensor([[1.5, 2]]), { freeze: false }).weight.requiresGrad, true);
  });

  it("an empty index tensor gives an empty lookup and a zero gradient with every option", () => {
    // torch 1.13: embedding(empty index of any shape, w, padding_idx / scale_grad_by_freq) ->
    // shape [*index.shape, dim], w.grad zeros
    for (const shape of [[0], [2, 0], [0, 3]]) {
      for (const opts of [
        {},
        { paddingIdx: 1 },
        { paddingIdx: -1 },
        { scaleGradByFreq: true },
        { paddingIdx: 0, scaleGradByFreq: true },
        { maxNorm: 1 },
      ]) {
        const w = tl.randn([4, 3], { dtype: "float64" }).requiresGrad_();
        const out = F.embedding(tl.zeros(shape, { dtype: "int32" }), w, opts);
        assert.deepEqual(out.shape, [...shape, 3], `${JSON.stringify(shape)} ${JSON.stringify(opts)}`);
        out.sum().backward();
        assert.deepEqual(Array.from(w.grad!.storage), new Array(12).fill(0), `${JSON.stringify(shape)} ${JSON.stringify(opts)}`);
      }
    }
  });

  it("errors", () => {
    const w = tl.ones([4, 2]);
    throwsWith(
      () => F.embedding(tl.tensor([0, 4]), w),
      tl.IndexError,
      /embedding: index 4 \(at flat position 1 of input \[2\]\) is out of range for 4 embeddings; indices must be in \[0, 3\]/,
    );
    throwsWith(() => F.embedding(tl.tensor([0, -1]), w), tl.IndexError, /index -1/);
    throwsWith(() => F.embedding(tl.tensor([0.5]), w), tl.DTypeError, /embedding: input must hold int32 indices, got float32/);
    throwsWith(
      () => F.embedding(tl.tensor([0]), w, { paddingIdx: 4 }),
      tl.ValueError,
      /embedding: paddingIdx 4 must be an integer within the 4 embeddings, in \[-4, 3\]/,
    );
    throwsWith(() => F.embedding(tl.tensor([0]), tl.ones([4])), tl.ShapeError, /embedding: weight must be 2-D/);
    throwsWith(() => new nn.Embedding(3, 2, { paddingIdx: -5 }), tl.ValueError, /Embedding: paddingIdx -5/);
  });
});
