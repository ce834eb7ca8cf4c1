// Truncated BPTT against PyTorch's tbptt fixtures (LSTM with h0/c0, GRU without, tanh RNN with
// h0; T = 12 in chunks of 4): the joined output, the final state and the accumulated gradients
// of every parameter, the input and the initial state, on every backend, float64 and float32.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import { type FixtureCase, type FloatType, BACKENDS, TOL, assertClose, fromFixture, loadFixture } from "../../test/support/fixtures.js";
import { throwsWith } from "../../test/support/check.js";

const nn = tl.nn;

function runCase(c: FixtureCase, dtype: FloatType): void {
  const a = c.args as {
    input_size: number;
    hidden_size: number;
    num_layers: number;
    bias: boolean;
    batch_first: boolean;
    nonlinearity?: "tanh" | "relu";
  };
  const opts = { numLayers: a.num_layers, bias: a.bias, batchFirst: a.batch_first, dtype };
  const ins: Record<string, tl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) if (!k.startsWith("grad_")) ins[k] = fromFixture(v, dtype, k in c.grads!);
  const g = fromFixture(c.inputs.grad_output!, dtype);
  const chunkSize = (c.procedure as { chunk_size: number }).chunk_size;
  // the fixture's procedure: loss = sum(out * grad_output_chunk), gradients accumulate, state detached
  const loss = (out: tl.Tensor, ch: tl.nn.ChunkInfo) => out.mul(g.narrow(0, ch.start, ch.end - ch.start)).sum();
  const load = (m: tl.nn.Module) => {
    m.loadStateDict(Object.fromEntries(m.namedParameters().map(([k]) => [k, ins[k]!])));
    for (const [k, p] of m.namedParameters()) ins[k] = p;
  };
  const outs: Record<string, tl.Tensor> = {};
  if (c.call === "torch.nn.LSTM") {
    const m = new nn.LSTM(a.input_size, a.hidden_size, opts);
    load(m);
    const r = nn.truncatedBptt(m, ins.input!, { chunkSize, state: ins.h_0 ? [ins.h_0, ins.c_0!] : null, loss });
    Object.assign(outs, { output: r.output, h_n: r.state[0], c_n: r.state[1] });
  } else {
    const m =
      c.call === "torch.nn.GRU"
        ? new nn.GRU(a.input_size, a.hidden_size, opts)
        : new nn.RNN(a.input_size, a.hidden_size, { ...opts, nonlinearity: a.nonlinearity! });
    load(m);
    const r = nn.truncatedBptt(m, ins.input!, { chunkSize, state: ins.h_0 ?? null, loss });
    Object.assign(outs, { output: r.output, h_n: r.state });
  }
  assert.deepEqual(Object.keys(outs).sort(), Object.keys(c.outputs).sort());
  for (const [k, t] of Object.entries(outs)) assertClose(t, c.outputs[k]!, TOL[dtype], `${c.name} [${dtype}] ${k}`);
  for (const [k, gr] of Object.entries(c.grads!)) assertClose(ins[k]!.grad, gr, TOL[dtype], `${c.name} [${dtype}] grad ${k}`);
}

const fixture = loadFixture("tbptt");
for (const backend of BACKENDS) {
  describe(`tbptt fixtures on ${backend}`, () => {
    for (const dtype of ["float64", "float32"] as FloatType[]) {
      for (const c of fixture.cases) {
        it(`${c.name} ${dtype}`, () => {
          tl.setBackend(backend);
          runCase(c, dtype);
        });
      }
    }
  });
}

describe("truncatedBptt", () => {
  it("stops gradients at chunk boundaries: the first chunk's input gets no gradient from later losses", () => {
    tl.manualSeed(1);
    const m = new nn.RNN(2, 3, { batchFirst: true });
    const x = tl.randn([2, 9, 2]).requiresGrad_();
    // only the last chunk has a loss: steps 0..5 (chunks 0 and 1) must get zero gradient
    const r = nn.truncatedBptt(m, x, { chunkSize: 3, loss: (o, ch) => (ch.index === 2 ? o.sum() : o.sum().mul(0)) });
    assert.deepEqual(r.output.shape, [2, 9, 3]);
    assert.equal(r.losses.length, 3);
    assert.ok(Array.from(x.grad!.narrow(1, 0, 6).storage).every((v) => v === 0));
    assert.ok(Array.from(x.grad!.narrow(1, 6, 3).storage).some((v) => v !== 0));
    assert.equal(r.output.requiresGrad, false);
    assert.equal(r.state.requiresGrad, false);
  });
  it("calls afterBackward once per chunk, the last chunk shorter, and runs unbatched input", () => {
    const m = new nn.LSTM(2, 3);
    const seen: string[] = [];
    const r = nn.truncatedBptt(m, tl.ones([7, 2]), {
      chunkSize: 3,
      loss: (o) => o.sum(),
      afterBackward: (ch) => {
        seen.push(`${ch.start}-${ch.end}`);
        m.zeroGrad();
      },
    });
    assert.deepEqual(seen, ["0-3", "3-6", "6-7"]);
    assert.deepEqual(r.state[0].shape, [1, 3]);
  });
  it("errors", () => {
    throwsWith(
      () => nn.truncatedBptt(new nn.GRU(2, 3), tl.ones([4, 1, 2]), { chunkSize: 0, loss: (o) => o.sum() }),
      tl.ValueError,
      /truncatedBptt: chunkSize must be a positive integer, got 0/,
    );
  });
});
