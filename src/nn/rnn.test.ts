// Recurrent layers and cells against PyTorch's fixtures (rnn, lstm, gru, rnn_cell, lstm_cell,
// gru_cell, and the packed-sequence references made by scripts/fixtures/make_rnn_refs.py): every
// output, final state and gradient (parameters, input, initial states), on every backend, in
// float64 and float32 at the single-op tolerances of TOL (float32 vs the float64 references:
// rtol 1e-4, atol 1e-5 hold through these 5- and 6-step, 2-layer, bidirectional chains, so no
// looser tolerance is used). Then float64 gradchecks, PyTorch state-dict layout, and errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tl from "../index.js";
import {
  type FixtureCase,
  type FloatType,
  type Tolerance,
  LOCAL_FIXTURE_DIR,
  TOL,
  assertClose,
  describeFixtureCases,
  fromFixture,
  loadFixture,
} from "../../test/support/fixtures.js";
import { throwsWith } from "../../test/support/check.js";

const nn = tl.nn;

type Recurrent = tl.nn.RNN | tl.nn.LSTM | tl.nn.GRU;

/** Build the module a fixture case names, in `dtype`, with the case's parameters loaded. */
function buildLayer(c: FixtureCase, ins: Record<string, tl.Tensor>, dtype: FloatType): Recurrent {
  const a = c.args as {
    input_size: number;
    hidden_size: number;
    num_layers: number;
    bias: boolean;
    batch_first: boolean;
    dropout: number;
    bidirectional: boolean;
    nonlinearity?: "tanh" | "relu";
    proj_size?: number;
  };
  const common = {
    numLayers: a.num_layers,
    bias: a.bias,
    batchFirst: a.batch_first,
    dropout: a.dropout,
    bidirectional: a.bidirectional,
    dtype,
  };
  const m =
    c.call === "torch.nn.RNN"
      ? new nn.RNN(a.input_size, a.hidden_size, { ...common, nonlinearity: a.nonlinearity! })
      : c.call === "torch.nn.LSTM"
        ? new nn.LSTM(a.input_size, a.hidden_size, { ...common, projSize: a.proj_size ?? 0 })
        : new nn.GRU(a.input_size, a.hidden_size, common);
  loadParams(m, ins);
  return m;
}

function buildCell(c: FixtureCase, ins: Record<string, tl.Tensor>, dtype: FloatType): tl.nn.RNNCell | tl.nn.LSTMCell | tl.nn.GRUCell {
  const a = c.args as { input_size: number; hidden_size: number; bias: boolean; nonlinearity?: "tanh" | "relu" };
  const opts = { bias: a.bias, dtype };
  const m =
    c.call === "torch.nn.RNNCell"
      ? new nn.RNNCell(a.input_size, a.hidden_size, { ...opts, nonlinearity: a.nonlinearity! })
      : c.call === "torch.nn.LSTMCell"
        ? new nn.LSTMCell(a.input_size, a.hidden_size, opts)
        : new nn.GRUCell(a.input_size, a.hidden_size, opts);
  loadParams(m, ins);
  return m;
}

/** Load the case's parameters as a state dict (strict: every key must match), then point ins at the module's own parameters so their .grad can be read. */
function loadParams(m: tl.nn.Module, ins: Record<string, tl.Tensor>): void {
  const keys = m.namedParameters().map(([k]) => k);
  const sd = Object.fromEntries(Object.entries(ins).filter(([k]) => keys.includes(k)));
  m.loadStateDict(sd);
  for (const [k, p] of m.namedParameters()) ins[k] = p;
}

/** Inputs of a case: every tensor but the grad_* ones, requiring grad when the fixture has its gradient. */
function inputsOf(c: FixtureCase, dtype: FloatType): Record<string, tl.Tensor> {
  const ins: Record<string, tl.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs))
    if (!k.startsWith("grad_")) ins[k] = fromFixture(v, dtype, c.grads !== undefined && k in c.grads);
  return ins;
}

/** Compare every output, then back-propagate sum_X sum(X * grad_X) and compare every gradient. */
function checkOutputs(
  c: FixtureCase,
  dtype: FloatType,
  ins: Record<string, tl.Tensor>,
  outs: Record<string, tl.Tensor>,
  tol: Tolerance,
): void {
  let loss: tl.Tensor | null = null;
  for (const [k, t] of Object.entries(outs)) {
    assertClose(t, c.outputs[k]!, tol, `${c.name} [${dtype}] ${k}`);
    const term = t.mul(fromFixture(c.inputs[`grad_${k}`]!, dtype)).sum();
    loss = loss ? loss.add(term) : term;
  }
  assert.deepEqual(Object.keys(outs).sort(), Object.keys(c.outputs).sort(), `${c.name}: outputs compared`);
  loss!.backward();
  for (const [k, g] of Object.entries(c.grads ?? {})) assertClose(ins[k]!.grad, g, tol, `${c.name} [${dtype}] grad ${k}`);
}

function runLayerCase(c: FixtureCase, dtype: FloatType): void {
  const ins = inputsOf(c, dtype);
  const m = buildLayer(c, ins, dtype);
  const lengths = (c.args as { lengths?: number[] }).lengths;
  const opts = lengths ? { lengths } : {};
  if (m instanceof nn.LSTM) {
    const [output, [hN, cN]] = m.forward(ins.input!, ins.h_0 ? [ins.h_0, ins.c_0!] : null, opts);
    checkOutputs(c, dtype, ins, { output, h_n: hN, c_n: cN }, TOL[dtype]);
  } else {
    const [output, hN] = m.forward(ins.input!, ins.h_0 ?? null, opts);
    checkOutputs(c, dtype, ins, { output, h_n: hN }, TOL[dtype]);
  }
}

function runCellCase(c: FixtureCase, dtype: FloatType): void {
  const ins = inputsOf(c, dtype);
  const m = buildCell(c, ins, dtype);
  if (m instanceof nn.LSTMCell) {
    const [h1, c1] = m.forward(ins.input!, ins.hx ? [ins.hx, ins.cx!] : null);
    checkOutputs(c, dtype, ins, { h_1: h1, c_1: c1 }, TOL[dtype]);
  } else {
    checkOutputs(c, dtype, ins, { h_1: m.forward(ins.input!, ins.hx ?? null) }, TOL[dtype]);
  }
}

const families: [string, (c: FixtureCase, d: FloatType) => void, string?][] = [
  ["rnn", runLayerCase],
  ["lstm", runLayerCase],
  ["gru", runLayerCase],
  ["rnn_cell", runCellCase],
  ["lstm_cell", runCellCase],
  ["gru_cell", runCellCase],
  ["rnn_packed", runLayerCase, LOCAL_FIXTURE_DIR],
];

for (const [family, run, dir] of families) describeFixtureCases(family, run, dir);

// ---------------------------------------------------------------- gradient checks (float64, reference)

/** gradCheck over the input, the initial states and every parameter of a module. */
function gradCheckModule(name: string, m: tl.nn.Module, inputs: tl.Tensor[], run: (...xs: tl.Tensor[]) => tl.Tensor): void {
  const params = m.parameters();
  tl.gradCheck((...all: tl.Tensor[]) => run(...all.slice(0, inputs.length)), [...inputs, ...params], { name });
}

/** All outputs of a recurrent forward as one flat tensor, so one gradcheck covers them all. */
const flat = (...ts: tl.Tensor[]): tl.Tensor => tl.cat(ts.map((t) => t.reshape([-1])));

describe("recurrent gradcheck (float64)", () => {
  const f64 = { dtype: "float64" as const };
  const rand = (shape: number[]) => tl.randn(shape, f64).requiresGrad_();
  it("RNN tanh, 2 layers, bidirectional, h0, lengths", () => {
    tl.manualSeed(1);
    const m = new nn.RNN(3, 4, { numLayers: 2, bidirectional: true, ...f64 });
    const x = rand([5, 3, 3]),
      h0 = rand([4, 3, 4]);
    gradCheckModule("rnn", m, [x, h0], (x, h0) => {
      const [o, h] = m.forward(x!, h0!, { lengths: [5, 2, 4] });
      return flat(o, h);
    });
  });
  it("RNN relu, batchFirst, no bias", () => {
    tl.manualSeed(2);
    const m = new nn.RNN(3, 4, { nonlinearity: "relu", batchFirst: true, bias: false, ...f64 });
    const x = rand([2, 5, 3]);
    gradCheckModule("rnn relu", m, [x], (x) => flat(...m.forward(x!)));
  });
  it("LSTM, 2 layers, bidirectional, projSize, h0/c0, lengths", () => {
    tl.manualSeed(3);
    const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2, ...f64 });
    const x = rand([4, 2, 3]),
      h0 = rand([4, 2, 2]),
      c0 = rand([4, 2, 4]);
    gradCheckModule("lstm", m, [x, h0, c0], (x, h0, c0) => {
      const [o, [h, c]] = m.forward(x!, [h0!, c0!], { lengths: [4, 3] });
      return flat(o, h, c);
    });
  });
  it("GRU, 2 layers, bidirectional, batchFirst, h0", () => {
    tl.manualSeed(4);
    const m = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, ...f64 });
    const x = rand([2, 4, 3]),
      h0 = rand([4, 2, 4]);
    gradCheckModule("gru", m, [x, h0], (x, h0) => flat(...m.forward(x!, h0!)));
  });
  it("GRU unbatched", () => {
    tl.manualSeed(5);
    const m = new nn.GRU(3, 4, f64);
    const x = rand([4, 3]),
      h0 = rand([1, 4]);
    gradCheckModule("gru unbatched", m, [x, h0], (x, h0) => flat(...m.forward(x!, h0!)));
  });
  it("RNNCell, LSTMCell, GRUCell", () => {
    tl.manualSeed(6);
    const x = rand([3, 3]),
      h = rand([3, 4]),
      c = rand([3, 4]);
    const rc = new nn.RNNCell(3, 4, f64),
      lc = new nn.LSTMCell(3, 4, f64),
      gc = new nn.GRUCell(3, 4, f64);
    gradCheckModule("rnn cell", rc, [x, h], (x, h) => rc.forward(x!, h!));
    gradCheckModule("lstm cell", lc, [x, h, c], (x, h, c) => flat(...lc.forward(x!, [h!, c!])));
    gradCheckModule("gru cell", gc, [x, h], (x, h) => gc.forward(x!, h!));
  });
});

// ---------------------------------------------------------------- layout, init, behaviour

describe("recurrent modules", () => {
  it("register PyTorch's state-dict keys in PyTorch's order", () => {
    const c = loadFixture("rnn_packed", LOCAL_FIXTURE_DIR).cases.find((k) => k.name === "lstm_l2_bidir_proj_h0")!;
    const torchKeys = Object.keys(c.inputs).filter((k) => /^(weight|bias)_/.test(k));
    const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 3 });
    assert.deepEqual(Object.keys(m.stateDict()), torchKeys);
    assert.deepEqual(m.stateKeys(), torchKeys);
    assert.deepEqual(m.stateDict().weight_hr_l1_reverse!.shape, [3, 4]);
    assert.deepEqual(m.stateDict().weight_ih_l1!.shape, [16, 6]);
    assert.deepEqual(Object.keys(new nn.GRUCell(2, 3, { bias: false }).stateDict()), ["weight_ih", "weight_hh"]);
  });

  it("initialise every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden)), reproducibly", () => {
    tl.manualSeed(7);
    const m = new nn.GRU(10, 16, { numLayers: 2 });
    const values = m.parameters().flatMap((p) => Array.from(p.storage));
    const k = 1 / Math.sqrt(16);
    assert.ok(values.every((v) => v >= -k && v <= k));
    assert.ok(Math.max(...values) > 0.95 * k && Math.min(...values) < -0.95 * k);
    assert.ok(Math.abs(values.reduce((a, b) => a + b, 0) / values.length) < 0.01);
    tl.manualSeed(7);
    assert.deepEqual(Array.from(new nn.GRU(10, 16, { numLayers: 2 }).parameters()[3]!.storage), Array.from(m.parameters()[3]!.storage));
  });

  it("print like PyTorch", () => {
    assert.equal(
      String(new nn.LSTM(4, 6, { numLayers: 2, batchFirst: true, bidirectional: true })),
      "LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)",
    );
    assert.equal(String(new nn.RNN(4, 6, { nonlinearity: "relu" })), "RNN(4, 6, nonlinearity=relu)");
    assert.equal(String(new nn.GRUCell(4, 6, { bias: false })), "GRUCell(4, 6, bias=False)");
  });

  it("apply dropout between layers only while training", () => {
    tl.manualSeed(8);
    const m = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = tl.randn([4, 2, 3]);
    const evalOut = m.eval().forward(x)[0];
    assert.deepEqual(Array.from(m.forward(x)[0].storage), Array.from(evalOut.storage));
    const trainOut = m.train().forward(x)[0];
    assert.notDeepEqual(Array.from(trainOut.storage), Array.from(evalOut.storage));
  });

  it("with lengths, padded steps change nothing real and get no gradient", () => {
    tl.manualSeed(9);
    const m = new nn.GRU(2, 3, { bidirectional: true, dtype: "float64" });
    const x = tl.randn([5, 2, 2], { dtype: "float64" }).requiresGrad_();
    const [out, hN] = m.forward(x, null, { lengths: [5, 3] });
    // sequence 1 alone, truncated to its 3 real steps, gives the same real outputs and state
    const alone = x.detach().narrow(1, 1, 1).narrow(0, 0, 3);
    const [o1, h1] = m.forward(alone);
    assertClose(
      out.narrow(1, 1, 1).narrow(0, 0, 3),
      { shape: [3, 1, 6], dtype: "float64", data: Array.from(o1.storage) },
      TOL.float64,
      "real outputs",
    );
    assertClose(hN.narrow(1, 1, 1), { shape: [2, 1, 3], dtype: "float64", data: Array.from(h1.storage) }, TOL.float64, "hN");
    assert.ok(
      Array.from(out.narrow(1, 1, 1).narrow(0, 3, 2).storage).every((v) => v === 0),
      "padded outputs are zero",
    );
    out.sum().add(hN.sum()).backward();
    assert.ok(
      Array.from(x.grad!.narrow(1, 1, 1).narrow(0, 3, 2).storage).every((v) => v === 0),
      "padded inputs get zero gradient",
    );
    assert.ok(Array.from(x.grad!.narrow(1, 1, 1).narrow(0, 0, 3).storage).some((v) => v !== 0));
  });

  it("accept lengths as an int32 tensor", () => {
    tl.manualSeed(10);
    const m = new nn.RNN(2, 3);
    const x = tl.randn([4, 2, 2]);
    assert.deepEqual(m.forward(x, null, { lengths: tl.tensor([4, 2]) })[1].toArray(), m.forward(x, null, { lengths: [4, 2] })[1].toArray());
  });

  it("call onStep with every per-step state, in processing order", () => {
    const m = new nn.LSTM(2, 3, { numLayers: 2, bidirectional: true });
    const seen: string[] = [];
    m.forward(tl.ones([3, 1, 2]), null, {
      onStep: (s) => {
        assert.deepEqual(s.h.shape, [1, 3]);
        assert.ok(s.c);
        seen.push(`${s.layer}${s.direction}${s.t}`);
      },
    });
    assert.deepEqual(seen, ["000", "001", "002", "012", "011", "010", "100", "101", "102", "112", "111", "110"]);
  });

  it("back-propagate through a 2000-step sequence", () => {
    tl.manualSeed(11);
    const m = new nn.GRU(1, 2);
    const x = tl.randn([2000, 1, 1]).requiresGrad_();
    const [out] = m.forward(x);
    out.sum().backward();
    assert.equal(x.grad!.shape[0], 2000);
    assert.ok(Number.isFinite(x.grad!.sum().item()));
  });

  it("give the same output, state and input gradient as stepping its cell", () => {
    tl.manualSeed(12);
    const layer = new nn.LSTM(3, 4, { dtype: "float64" }),
      cell = new nn.LSTMCell(3, 4, { dtype: "float64" });
    cell.loadStateDict(Object.fromEntries(Object.entries(layer.stateDict()).map(([k, v]) => [k.replace(/_l0$/, ""), v])));
    const x = tl.randn([4, 2, 3], { dtype: "float64" });
    const [out, [hN, cN]] = layer.forward(x);
    let h = tl.zeros([2, 4], { dtype: "float64" }),
      c = h;
    const hs: tl.Tensor[] = [];
    for (const xt of x.unbind(0)) {
      [h, c] = cell.forward(xt, [h, c]);
      hs.push(h);
    }
    const near = (a: tl.Tensor, b: tl.Tensor) => assert.ok(a.sub(b).abs().max().item() < 1e-12);
    near(out, tl.stack(hs));
    near(hN.squeeze(0), h);
    near(cN.squeeze(0), c);
  });
});

// ---------------------------------------------------------------- errors

describe("recurrent errors", () => {
  const lstm = new nn.LSTM(4, 6, { numLayers: 2 });
  it("wrong input size", () => {
    throwsWith(
      () => lstm.forward(tl.zeros([5, 3, 5])),
      tl.ShapeError,
      /LSTM: input \[5, 3, 5\] has 5 features in its last dim but inputSize is 4/,
      /\[seq, batch, inputSize\]/,
    );
    throwsWith(
      () => new nn.GRUCell(4, 6).forward(tl.zeros([3, 2])),
      tl.ShapeError,
      /GRUCell: input \[3, 2\] has 2 features but inputSize is 4/,
    );
  });
  it("wrong input rank", () => {
    throwsWith(
      () => lstm.forward(tl.zeros([5])),
      tl.ShapeError,
      /LSTM: expected input to be 2-D \(unbatched \[seq, feature\]\) or 3-D \(batched\), got 1-D input \[5\]/,
    );
    throwsWith(
      () => new nn.RNNCell(4, 6).forward(tl.zeros([1, 2, 4])),
      tl.ShapeError,
      /RNNCell: expected input to be 1-D \(unbatched\) or 2-D/,
    );
  });
  it("wrong h0 / c0 shape", () => {
    throwsWith(
      () => lstm.forward(tl.zeros([5, 3, 4]), [tl.zeros([1, 3, 6]), tl.zeros([2, 3, 6])]),
      tl.ShapeError,
      /LSTM: h0 has shape \[1, 3, 6\] but expected \[2, 3, 6\] \(\[numLayers \* numDirections, batch, hiddenSize\]/,
    );
    throwsWith(
      () => lstm.forward(tl.zeros([5, 3, 4]), [tl.zeros([2, 3, 6]), tl.zeros([2, 3, 5])]),
      tl.ShapeError,
      /LSTM: c0 has shape \[2, 3, 5\] but expected \[2, 3, 6\]/,
    );
    throwsWith(
      () => new nn.GRU(4, 6).forward(tl.zeros([5, 4]), tl.zeros([1, 1, 6])),
      tl.ShapeError,
      /GRU: h0 has shape \[1, 1, 6\] but expected \[1, 6\] \(\[numLayers \* numDirections, hiddenSize\] for unbatched input/,
    );
    throwsWith(
      () => new nn.LSTMCell(4, 6).forward(tl.zeros([3, 4]), [tl.zeros([3, 6]), tl.zeros([2, 6])]),
      tl.ShapeError,
      /LSTMCell: cx has shape \[2, 6\] but expected \[3, 6\]/,
    );
    throwsWith(
      () => lstm.forward(tl.zeros([5, 3, 4]), [tl.zeros([2, 3, 6])] as never),
      tl.ValueError,
      /LSTM: the state must be a pair \[h0, c0\]/,
    );
  });
  it("bad lengths", () => {
    const rnn = new nn.RNN(4, 6);
    const x = tl.zeros([5, 3, 4]);
    throwsWith(() => rnn.forward(x, null, { lengths: [5, 2] }), tl.ShapeError, /RNN: lengths has 2 entries but the batch has 3 sequences/);
    throwsWith(
      () => rnn.forward(x, null, { lengths: [5, 6, 1] }),
      tl.ValueError,
      /RNN: lengths\[1\] = 6 is not valid: each length must be an integer in \[1, 5\]/,
    );
    throwsWith(() => rnn.forward(x, null, { lengths: [5, 0, 1] }), tl.ValueError, /lengths\[1\] = 0 is not valid/);
    throwsWith(() => rnn.forward(x, null, { lengths: [5, 2.5, 1] }), tl.ValueError, /lengths\[1\] = 2.5 is not valid/);
  });
  it("mixed dtypes", () => {
    throwsWith(
      () => lstm.forward(tl.zeros([5, 3, 4], { dtype: "float64" })),
      tl.DTypeError,
      /LSTM: input is float64 but the parameters are float32. Convert one: x.to\("float32"\) or module.to\("float64"\)/,
    );
  });
  it("bad constructor arguments", () => {
    throwsWith(() => new nn.LSTM(4, 6, { projSize: 6 }), tl.ValueError, /LSTM: projSize \(6\) must be smaller than hiddenSize \(6\)/);
    throwsWith(() => new nn.RNN(4, 6, { nonlinearity: "sigmoid" as never }), tl.ValueError, /RNN: unknown nonlinearity "sigmoid"/);
    throwsWith(() => new nn.GRU(4, 0), tl.ValueError, /GRU: hiddenSize must be an integer >= 1, got 0/);
    throwsWith(() => new nn.GRU(4, 3, { dropout: 1.5 }), tl.ValueError, /GRU: dropout must be a probability in \[0, 1\], got 1.5/);
  });
});
