// The unrolled-RNN page: H_t from onStep is the layer's output at t, and the formula's terms
// (X_t W_xh, H_{t-1} W_hh, b) printed on the page rebuild H_t.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stepTerms, unrollRnn } from "./unroll.js";

const x = [0.1, -0.4, 0.9, 1.3, -0.2, 0.5, -1.1, 0.0];

describe("lab 09 RNN unrolled", () => {
  const u = unrollRnn(x, 5, 3);
  it("onStep reports one H_t per input step, equal to the layer's output at t", () => {
    assert.equal(u.states.length, x.length);
    u.states.forEach((h, t) => h.forEach((v, j) => assert.ok(Math.abs(v - u.output[t]![j]!) < 1e-7, `H_${t + 1}[${j}]`)));
  });
  it("tanh(X_t W_xh + H_{t-1} W_hh + b) rebuilds every H_t", () => {
    for (let t = 0; t < x.length; t++) {
      const s = stepTerms(u, t);
      s.h.forEach((v, j) => assert.ok(Math.abs(v - u.states[t]![j]!) < 1e-6, `step ${t + 1} unit ${j}: ${v} vs ${u.states[t]![j]}`));
    }
    assert.deepEqual(stepTerms(u, 0).memory, [0, 0, 0, 0, 0], "H_0 = 0");
  });
  it("the same seed gives the same weights and states; another seed other ones", () => {
    assert.deepEqual(unrollRnn(x, 5, 3).states, u.states);
    assert.notDeepEqual(unrollRnn(x, 5, 4).states, u.states);
  });
  it("a state carries the past: changing X_1 changes H_8", () => {
    const v = unrollRnn([2, ...x.slice(1)], 5, 3);
    assert.ok(v.states[7]!.some((h, j) => Math.abs(h - u.states[7]![j]!) > 1e-6));
  });
});
