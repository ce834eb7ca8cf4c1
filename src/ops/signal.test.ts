// tl.signal against NumPy/SciPy's fixtures (signal.json): convolve and correlate in 1-3 dims,
// modes full/same/valid, kernels longer than the signal; gradients w.r.t. both operands.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { BACKENDS, type FloatType, checkCase, loadFixture } from "../../test/support/fixtures.js";

describe("signal fixtures", () => {
  const fixture = loadFixture("signal");
  for (const backend of BACKENDS) {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of fixture.cases) {
        it(`${c.name} ${dtype} on ${backend}`, () => {
          tl.setBackend(backend);
          const mode = (c.args as { mode: tl.signal.SignalMode }).mode;
          checkCase(c, dtype, (ins) => {
            if (c.call === "numpy.convolve") return tl.signal.numpyConvolve(ins.a!, ins.v!, mode);
            const fn = c.call === "scipy.signal.convolve" ? tl.signal.convolve : tl.signal.correlate;
            return fn(ins.in1!, ins.in2!, mode);
          });
        });
      }
    }
  }
});

describe("signal relations", () => {
  it("convolve(x, k) equals correlate(x, k flipped on every axis), in every mode", () => {
    tl.manualSeed(9);
    const x = tl.randn([5, 6], { dtype: "float64" }),
      k = tl.randn([3, 2], { dtype: "float64" });
    for (const mode of ["full", "same", "valid"] as const) {
      const a = tl.signal.convolve(x, k, mode),
        b = tl.signal.correlate(x, k.flip([0, 1]), mode);
      assert.deepEqual(a.shape, b.shape);
      a.storage.forEach((v, i) => assert.ok(Math.abs(v - b.storage[i]!) < 1e-12));
    }
  });
  it("rejects mismatched ranks and unknown modes", () => {
    assert.throws(
      () => tl.signal.convolve(tl.ones([3]), tl.ones([2, 2])),
      /convolve: inputs must both be 1-, 2- or 3-D with the same number of dims/,
    );
    assert.throws(() => tl.signal.correlate(tl.ones([3]), tl.ones([2]), "middle" as never), /mode must be "full", "same" or "valid"/);
  });
});
