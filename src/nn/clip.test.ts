// nn.utils.clipGradNorm / clipGradValue against PyTorch's clip_grad fixtures (norm 2, 1, inf,
// clipping and not, and clip by value) on every backend, in float64 and float32, plus edge cases.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { type FloatType, BACKENDS, TOL, assertClose, fromFixture, loadFixture } from "../../test/support/fixtures.js";
import { throwsWith } from "../../test/support/check.js";

const { clipGradNorm, clipGradValue } = tl.nn.utils;

const fixture = loadFixture("clip_grad");
for (const backend of BACKENDS) {
  describe(`clip_grad fixtures on ${backend}`, () => {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of fixture.cases) {
        it(`${c.name} ${dtype}`, () => {
          tl.setBackend(backend);
          const names = (c.procedure as { params: string[] }).params;
          const params = names.map((n) => {
            const g = fromFixture(c.inputs[`${n}.grad`]!, dtype);
            const p = tl.zeros(g.shape.slice(), { dtype }).requiresGrad_();
            p.grad = g;
            return p;
          });
          const a = c.args as { max_norm?: number; norm_type?: number | "inf"; clip_value?: number };
          if (c.call === "torch.nn.utils.clip_grad_norm_") {
            const total = clipGradNorm(params, a.max_norm!, a.norm_type === "inf" ? Infinity : a.norm_type);
            assertClose(tl.tensor(total, { dtype: "float64" }), c.outputs.total_norm!, TOL[dtype], `${c.name} [${dtype}] total_norm`);
          } else {
            clipGradValue(params, a.clip_value!);
          }
          names.forEach((n, i) => assertClose(params[i]!.grad, c.outputs[`${n}.grad`]!, TOL[dtype], `${c.name} [${dtype}] ${n}.grad`));
        });
      }
    }
  });
}

describe("gradient clipping", () => {
  it("skips parameters without a gradient and accepts a single tensor", () => {
    const a = tl.zeros([2]).requiresGrad_(),
      b = tl.zeros([2]).requiresGrad_();
    b.grad = tl.tensor([3, 4], { dtype: "float32" });
    assert.equal(clipGradNorm([a, b], 1), 5);
    assert.equal(a.grad, null);
    assert.ok(Math.abs(b.grad.norm().item() - 1) < 1e-6);
    clipGradValue(b, 0.1);
    assert.deepEqual(
      Array.from(b.grad.storage).map((v) => Math.round(v * 1e6) / 1e6),
      [0.1, 0.1],
    );
    assert.equal(clipGradNorm([a], 1), 0);
  });
  it("does not change a gradient tensor it does not own", () => {
    const p = tl.zeros([2]).requiresGrad_();
    const g = tl.tensor([30, 40], { dtype: "float32" });
    p.grad = g;
    clipGradNorm([p], 1);
    assert.deepEqual(g.toArray(), [30, 40]);
  });
  it("errors", () => {
    const p = tl.zeros([1]).requiresGrad_();
    p.grad = tl.tensor([NaN]);
    throwsWith(
      () => clipGradNorm([p], 1, 2, { errorIfNonfinite: true }),
      tl.ValueError,
      /clipGradNorm: the total norm of order 2 of the gradients is NaN/,
    );
    throwsWith(() => clipGradNorm([p], 1, 0), tl.ValueError, /clipGradNorm: normType must be a positive number or Infinity, got 0/);
    throwsWith(() => clipGradValue([p], -1), tl.ValueError, /clipGradValue: clipValue must be a non-negative number, got -1/);
  });
});
