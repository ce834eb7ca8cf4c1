// Module forward hooks and model.summary(): output shapes equal the real forward's, parameter
// counts equal numParameters() (over random architectures too), the model's state (training
// flags, parameters, buffers, random stream) is untouched afterwards, and errors name summary.

import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tl from "../index.js";

const { nn, F } = tl;
type Tensor = tl.Tensor;

class Cnn extends nn.Module {
  readonly features = this.registerModule(
    "features",
    new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.BatchNorm2d(4),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(4, 6, 3),
      new nn.ReLU(),
      new nn.AvgPool2d(2),
    ),
  );
  readonly flatten = this.registerModule("flatten", new nn.Flatten());
  readonly drop = this.registerModule("drop", new nn.Dropout(0.5));
  readonly fc = this.registerModule("fc", new nn.Linear(6 * 3 * 3, 10));
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.drop.forward(this.flatten.forward(this.features.forward(x))));
  }
}

class Forecaster extends nn.Module {
  readonly lstm = this.registerModule("lstm", new nn.LSTM(3, 5, { numLayers: 2, batchFirst: true }));
  readonly head = this.registerModule("head", new nn.Linear(5, 1));
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x);
    return this.head.forward(out.select(1, -1 + out.shape[1]!));
  }
}

/** Nested user modules, a module used twice, a frozen part and an unused one. */
class Block extends nn.Module {
  readonly lin = this.registerModule("lin", new nn.Linear(6, 6));
  readonly norm = this.registerModule("norm", new nn.LayerNorm(6));
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.lin.forward(x).relu().add(x));
  }
}
class Deep extends nn.Module {
  readonly embed = this.registerModule("embed", new nn.Linear(4, 6));
  readonly blocks = this.registerModule("blocks", new nn.ModuleList([new Block(), new Block()]));
  readonly shared = this.registerModule("shared", new nn.Linear(6, 6, { bias: false }));
  readonly unused = this.registerModule("unused", new nn.Linear(2, 2));
  readonly out = this.registerModule("out", new nn.Linear(6, 2));
  forward(x: Tensor): Tensor {
    let h = this.embed.forward(x);
    for (const b of this.blocks) h = (b as Block).forward(h);
    h = this.shared.forward(this.shared.forward(h));
    return this.out.forward(h);
  }
}

/** Own parameter elements of a module, counted without summary's code: its parameters minus its children's. */
function ownParams(m: tl.nn.Module, onlyTrainable = false): number {
  return m.numParameters(onlyTrainable) - m.children().reduce((n, c) => n + c.numParameters(onlyTrainable), 0);
}

function stateOf(m: tl.nn.Module): { flags: boolean[]; values: [string, number[], boolean][]; grads: unknown[] } {
  return {
    flags: m.modules().map((x) => x.training),
    values: Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.storage, Number), t.requiresGrad]),
    grads: m.parameters().map((p) => p.grad),
  };
}

const layer = (s: tl.nn.ModelSummary, name: string): tl.nn.LayerSummary => {
  const l = s.layers.find((x) => x.name === name);
  assert.ok(l, `no layer named "${name}"`);
  return l;
};

describe("forward hooks", () => {
  it("see every call (direct, through Sequential), may replace output and arguments, and come off", () => {
    const lin = new nn.Linear(3, 2);
    const seq = new nn.Sequential(lin, new nn.ReLU());
    const seen: [number[], number[]][] = [];
    const h = lin.registerForwardHook((m, inputs, out) => {
      assert.equal(m, lin);
      seen.push([[...(inputs[0] as Tensor).shape], [...(out as Tensor).shape]]);
    });
    assert.deepEqual(Object.keys(lin), Object.keys(new nn.Linear(3, 2)), "the hook adds no enumerable property");
    lin.forward(tl.ones([4, 3]));
    seq.forward(tl.ones([5, 3]));
    assert.deepEqual(seen, [
      [
        [4, 3],
        [4, 2],
      ],
      [
        [5, 3],
        [5, 2],
      ],
    ]);

    const pre = lin.registerForwardPreHook((_m, inputs) => [(inputs[0] as Tensor).mul(0)]);
    const rep = lin.registerForwardHook((_m, _i, out) => (out as Tensor).add(100));
    const y = lin.forward(tl.ones([1, 3]));
    assert.deepEqual(Array.from(y.storage), Array.from(lin.bias!.add(100).storage));
    pre.remove();
    rep.remove();
    h.remove();
    h.remove(); // idempotent
    assert.equal(Object.hasOwn(lin, "forward"), false, "the original forward is back");
    lin.forward(tl.ones([1, 3]));
    assert.equal(seen.length, 3, "the first hook saw the call with the other two, and none after");
  });

  it("wrap an own forward and put it back; a user's hook stays on through a summary", () => {
    class Own extends nn.Module {
      readonly lin = this.registerModule("lin", new nn.Linear(2, 2));
      override forward = (x: Tensor): Tensor => this.lin.forward(x).mul(2);
    }
    const m = new Own();
    const original = m.forward;
    const calls: string[] = [];
    const h = m.registerForwardHook(() => void calls.push("own"));
    const inner = m.lin.registerForwardHook(() => void calls.push("lin"));
    const s = m.summary([3, 2]);
    assert.deepEqual(
      s.layers.map((l) => l.outputShape),
      [
        [3, 2],
        [3, 2],
      ],
    );
    m.forward(tl.ones([1, 2]));
    assert.deepEqual(calls, ["lin", "own", "lin", "own"], "user hooks ran in the summary's pass and after it");
    h.remove();
    inner.remove();
    assert.equal(m.forward, original);
    assert.equal(Object.hasOwn(m.lin, "forward"), false);
  });

  it("refuse a pre-hook that returns something other than an array", () => {
    const r = new nn.ReLU();
    r.registerForwardPreHook(() => 3 as never);
    assert.throws(() => r.forward(tl.ones([2])), { name: "ValueError", message: /pre-hook returned number/ });
  });
});

describe("summary", () => {
  it("a CNN: output shapes equal the real forward's, parameters per layer and in total", () => {
    tl.manualSeed(1);
    const m = new Cnn();
    const s = m.summary([2, 1, 16, 16]);
    // the real shapes, layer by layer, without hooks
    m.eval();
    const shapes: number[][] = [];
    let h = tl.zeros([2, 1, 16, 16]);
    for (const l of m.features.layers) shapes.push([...(h = l.forward(h)).shape]);
    assert.deepEqual(
      s.layers.filter((l) => l.name.startsWith("features.")).map((l) => l.outputShape),
      shapes,
    );
    assert.deepEqual(layer(s, "flatten").outputShape, [2, 54]);
    assert.deepEqual(layer(s, "").outputShape, [...m.forward(tl.zeros([2, 1, 16, 16])).shape]);
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.type, l.depth]),
      [
        ["", "Cnn", 0],
        ["features", "Sequential", 1],
        ["features.0", "Conv2d", 2],
        ["features.1", "BatchNorm2d", 2],
        ["features.2", "ReLU", 2],
        ["features.3", "MaxPool2d", 2],
        ["features.4", "Conv2d", 2],
        ["features.5", "ReLU", 2],
        ["features.6", "AvgPool2d", 2],
        ["flatten", "Flatten", 1],
        ["drop", "Dropout", 1],
        ["fc", "Linear", 1],
      ],
    );
    assert.deepEqual(
      s.layers.map((l) => l.params),
      [0, 0, 4 * 9 + 4, 8, 0, 0, 6 * 4 * 9 + 6, 0, 0, 0, 0, 54 * 10 + 10],
    );
    assert.equal(s.totalParams, m.numParameters());
    assert.equal(s.trainableParams, m.numParameters());
    assert.equal(s.nonTrainableParams, 0);
    assert.equal(layer(s, "features").subtreeParams, m.features.numParameters());
    // memory: float32 parameters, BatchNorm's buffers (2 x 4 floats + one int32), the input, the outputs
    assert.equal(s.memory.paramBytes, 4 * m.numParameters());
    assert.deepEqual(s.memory.paramBytesByDtype, { float32: 4 * m.numParameters() });
    assert.equal(s.memory.bufferBytes, 4 * 4 + 4 * 4 + 4);
    assert.equal(s.memory.inputBytes, 4 * 2 * 256);
    // distinct outputs: Sequential's and the model's outputs are their last layers' tensors; eval dropout returns its input
    const acts = [...shapes, [2, 54], [2, 10]].reduce((n, sh) => n + 4 * sh.reduce((a, b) => a * b, 1), 0);
    assert.equal(s.memory.activationBytes, acts);
    assert.equal(s.memory.totalBytes, s.memory.paramBytes + s.memory.bufferBytes + s.memory.inputBytes + acts);
  });

  it("leaves training flags, parameters, buffers, gradients and the random stream untouched (eval and train mode)", () => {
    tl.manualSeed(2);
    const m = new Cnn();
    // give the batch norm real statistics and the parameters gradients
    m.forward(tl.randn([3, 1, 16, 16]))
      .sum()
      .backward();
    m.train();
    m.features.eval(); // mixed flags must come back as they were, not as one train(mode)
    for (const mode of ["eval", "train"] as const) {
      const before = stateOf(m);
      const bn = m.features.at(1) as tl.nn.BatchNorm2d;
      const tracked = bn.numBatchesTracked!.item();
      const rngBefore = tl.defaultGenerator.getState();
      m.summary([2, 1, 16, 16], { mode });
      assert.deepEqual(stateOf(m), before, mode);
      assert.equal(bn.numBatchesTracked!.item(), tracked);
      assert.deepEqual(tl.defaultGenerator.getState(), rngBefore, `${mode}: the random stream goes on where it was`);
      assert.equal(
        m.modules().some((x) => Object.hasOwn(x, "forward")),
        false,
        "no hook left behind",
      );
    }
  });

  it("train mode runs the batch with batch statistics, and the running stats are put back", () => {
    const bn = new nn.BatchNorm1d(3);
    const seen: boolean[] = [];
    bn.registerForwardPreHook((mod) => void seen.push(mod.training));
    bn.eval();
    bn.summary([4, 3], { mode: "train" });
    bn.summary([4, 3]);
    assert.deepEqual(seen, [true, false]);
    assert.equal(bn.training, false);
    assert.deepEqual(Array.from(bn.runningVar!.storage), [1, 1, 1]);
    assert.equal(bn.numBatchesTracked!.item(), 0);
  });

  it("an LSTM: the [out, [h, c]] output as nested shapes, equal to the real forward's", () => {
    const m = new Forecaster();
    const s = m.summary([4, 7, 3]);
    const [out, [hN, cN]] = m.lstm.forward(tl.zeros([4, 7, 3]));
    assert.deepEqual(layer(s, "lstm").outputShape, [[...out.shape], [[...hN.shape], [...cN.shape]]]);
    assert.deepEqual(layer(s, "lstm").outputShape, [
      [4, 7, 5],
      [
        [2, 4, 5],
        [2, 4, 5],
      ],
    ]);
    assert.deepEqual(layer(s, "").outputShape, [4, 1]);
    assert.equal(layer(s, "lstm").params, m.lstm.numParameters());
    assert.equal(m.lstm.numParameters(), 4 * 5 * (3 + 5 + 2) + 4 * 5 * (5 + 5 + 2));
    assert.match(s.toString(), /lstm \(LSTM\) +\(\[4, 7, 5\], \(\[2, 4, 5\], \[2, 4, 5\]\)\) +440 +yes/);
    // out, hN, cN and the head's output (the model's output is the same tensor)
    assert.equal(s.memory.activationBytes, 4 * (4 * 7 * 5 + 2 * 2 * 4 * 5 + 4 * 1));
  });

  it("a Sequential on its own", () => {
    const m = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3), new nn.LogSoftmax(1));
    const s = m.summary([5, 4]);
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.outputShape, l.params]),
      [
        ["", [5, 3], 0],
        ["0", [5, 8], 40],
        ["1", [5, 8], 0],
        ["2", [5, 3], 27],
        ["3", [5, 3], 0],
      ],
    );
    assert.equal(s.totalParams, 67);
    // an output that is the input itself is no new activation
    const id = new nn.Sequential(new nn.Identity()).summary([2, 3]);
    assert.deepEqual(
      id.layers.map((l) => l.outputShape),
      [
        [2, 3],
        [2, 3],
      ],
    );
    assert.equal(id.memory.activationBytes, 0);
    assert.equal(id.memory.totalBytes, id.memory.inputBytes);
  });

  it("nested user modules, a module called twice, a frozen layer, an unused one", () => {
    const m = new Deep();
    for (const p of m.embed.parameters()) p.requiresGrad = false;
    m.out.bias!.requiresGrad = false;
    const s = m.summary([3, 4]);
    assert.equal(s.totalParams, m.numParameters());
    assert.equal(s.trainableParams, m.numParameters(true));
    assert.equal(s.nonTrainableParams, 4 * 6 + 6 + 2);
    assert.equal(
      s.layers.reduce((n, l) => n + l.params, 0),
      s.totalParams,
    );
    assert.equal(
      s.layers.reduce((n, l) => n + l.trainable, 0),
      s.trainableParams,
    );
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.depth, l.calls]),
      [
        ["", 0, 1],
        ["embed", 1, 1],
        ["blocks", 1, 0],
        ["blocks.0", 2, 1],
        ["blocks.0.lin", 3, 1],
        ["blocks.0.norm", 3, 1],
        ["blocks.1", 2, 1],
        ["blocks.1.lin", 3, 1],
        ["blocks.1.norm", 3, 1],
        ["shared", 1, 2],
        ["unused", 1, 0],
        ["out", 1, 1],
      ],
    );
    assert.equal(layer(s, "unused").outputShape, null);
    assert.deepEqual(layer(s, "blocks.1").outputShape, [3, 6]);
    assert.equal(layer(s, "blocks").subtreeParams, m.blocks.numParameters());
    const text = s.toString();
    assert.match(text, /^ {2}embed \(Linear\) +\[3, 6\] +30 +no$/m);
    assert.match(text, /^ {2}out \(Linear\) +\[3, 2\] +14 +partial$/m);
    assert.match(text, /^ {2}shared \(Linear\) +\[3, 6\] x2 +36 +yes$/m);
    assert.match(text, /^ {2}unused \(Linear\) +-- +6 +yes$/m);
    assert.match(text, /^ {6}lin \(Linear\) +\[3, 6\] +42 +yes$/m);
    assert.match(text, /^Non-trainable params: +32$/m);
  });

  it("parameter counts equal numParameters() and shapes the real forward's, over random architectures", () => {
    tl.manualSeed(7);
    const g = new tl.Generator(123);
    for (let trial = 0; trial < 25; trial++) {
      const layers: tl.nn.TensorModule[] = [];
      let c = g.int(1, 4);
      const n = g.int(1, 4);
      const input = [n, c, 10, 10];
      let size = 10;
      for (let k = g.int(1, 4); k > 0 && size >= 3; k--) {
        const out = g.int(1, 6);
        const padding = g.int(0, 2);
        layers.push(new nn.Conv2d(c, out, 3, { bias: g.uniform() < 0.5, padding }));
        size -= 2 - 2 * padding;
        if (g.uniform() < 0.3 && size >= 2) {
          layers.push(new nn.MaxPool2d(2));
          size = Math.floor(size / 2);
        }
        if (g.uniform() < 0.5) layers.push(new nn.BatchNorm2d(out, { affine: g.uniform() < 0.7 }));
        layers.push(g.uniform() < 0.5 ? new nn.ReLU() : new nn.GELU());
        c = out;
      }
      layers.push(new nn.Flatten());
      let f = c * size * size;
      for (let k = g.int(1, 3); k > 0; k--) {
        const out = g.int(1, 9);
        layers.push(new nn.Linear(f, out, { bias: g.uniform() < 0.7 }));
        f = out;
      }
      const inner = new nn.Sequential(...layers);
      const model = g.uniform() < 0.5 ? inner : new nn.Sequential(inner, new nn.Identity());
      for (const p of model.parameters()) if (g.uniform() < 0.3) p.requiresGrad = false;
      const s = model.summary(input);
      const what = `trial ${trial}: ${String(model)}`;
      assert.equal(s.totalParams, model.numParameters(), what);
      assert.equal(s.trainableParams, model.numParameters(true), what);
      assert.equal(s.nonTrainableParams, model.numParameters() - model.numParameters(true), what);
      assert.equal(
        s.layers.reduce((a, l) => a + l.params, 0),
        s.totalParams,
        what,
      );
      assert.equal(
        s.layers.reduce((a, l) => a + l.trainable, 0),
        s.trainableParams,
        what,
      );
      const named = new Map(model.namedModules());
      for (const l of s.layers) {
        const mod = named.get(l.name)!;
        assert.equal(l.params, ownParams(mod), `${what} ${l.name}`);
        assert.equal(l.trainable, ownParams(mod, true), `${what} ${l.name}`);
        assert.equal(l.subtreeParams, mod.numParameters(), `${what} ${l.name}`);
      }
      model.eval();
      let h = tl.zeros(input);
      for (const [i, m] of layers.entries()) {
        h = m.forward(h);
        const name = model === inner ? String(i) : `0.${i}`;
        assert.deepEqual(layer(s, name).outputShape, [...h.shape], `${what} ${name}`);
      }
      assert.deepEqual(layer(s, "").outputShape, [...h.shape], what);
      assert.equal(s.memory.paramBytes, 4 * s.totalParams);
    }
  });

  it("several inputs with their own dtypes, and extra forward arguments", () => {
    class TwoInputs extends nn.Module {
      readonly emb = this.registerModule("emb", new nn.Embedding(10, 4));
      readonly lin = this.registerModule("lin", new nn.Linear(3, 4, { dtype: "float64" }));
      forward(ids: Tensor, x: Tensor, scale: number): Tensor {
        return this.emb.forward(ids).sum(1).add(this.lin.forward(x)).mul(scale);
      }
    }
    const m = new TwoInputs();
    const s = m.summary(
      [
        [2, 5],
        [2, 3],
      ],
      { dtype: ["int32", "float64"], forwardArgs: [2] },
    );
    assert.deepEqual(s.inputs, [
      { shape: [2, 5], dtype: "int32" },
      { shape: [2, 3], dtype: "float64" },
    ]);
    assert.deepEqual(layer(s, "emb").outputShape, [2, 5, 4]);
    assert.deepEqual(layer(s, "").outputShape, [2, 4]);
    assert.deepEqual(s.memory.paramBytesByDtype, { float32: 40 * 4, float64: 16 * 8 });
    assert.equal(s.memory.inputBytes, 10 * 4 + 6 * 8);
    assert.match(s.toString(), /^Input: \[2, 5\] int32, \[2, 3\] float64$/m);
    assert.match(s.toString(), /^Params size: +.*\(float32 160 B, float64 128 B\)$/m);
    // one dtype for all, and a model converted to float64
    const d = new nn.Linear(3, 2).to("float64").summary([1, 3], { dtype: "float64" });
    assert.deepEqual(d.memory.paramBytesByDtype, { float64: 8 * 8 });
    assert.equal(d.memory.activationBytes, 2 * 8);
  });

  it("a fixed-width table: toString(), print() and { print }, depth", () => {
    const m = new Cnn();
    const s = m.summary([1, 1, 16, 16]);
    const lines = s.toString().split("\n");
    const rule = lines.find((l) => l.startsWith("="))!;
    assert.ok(
      lines.every((l) => l.length <= rule.length),
      "no line is wider than the rules",
    );
    const header = lines.indexOf(lines.find((l) => l.startsWith("Layer (type)"))!);
    const rows = lines.slice(header + 2, header + 2 + s.layers.length);
    const col = lines[header]!.indexOf("Output shape");
    for (const r of rows) assert.notEqual(r[col], " ", `the shape column starts at ${col}: ${r}`);
    assert.deepEqual(
      rows.map((r) => r.slice(0, col).trim()),
      [
        "Cnn",
        "features (Sequential)",
        "0 (Conv2d)",
        "1 (BatchNorm2d)",
        "2 (ReLU)",
        "3 (MaxPool2d)",
        "4 (Conv2d)",
        "5 (ReLU)",
        "6 (AvgPool2d)",
        "flatten (Flatten)",
        "drop (Dropout)",
        "fc (Linear)",
      ],
    );
    assert.match(s.toString(), /^Total params: +820$/m);
    // depth 1: the features row carries its subtree's parameters
    const shallow = m.summary([1, 1, 16, 16], { depth: 1 }).toString();
    assert.match(shallow, /^ {2}features \(Sequential\) +\[1, 6, 3, 3\] +270 +yes$/m);
    assert.doesNotMatch(shallow, /Conv2d/);
    assert.match(m.summary([1, 1, 16, 16], { depth: 0 }).toString(), /^Cnn +\[1, 10\] +820 +yes$/m);
    const log = mock.method(console, "log", () => {});
    try {
      m.summary([1, 1, 16, 16], { print: true });
      s.print();
      assert.equal(log.mock.callCount(), 2);
      assert.equal(log.mock.calls[1]!.arguments[0], s.toString());
    } finally {
      log.mock.restore();
    }
  });

  it("a forward that throws: re-thrown naming summary, the input and the layer; the model is as before", () => {
    const m = new Cnn();
    m.train();
    const before = stateOf(m);
    assert.throws(
      () => m.summary([2, 3, 16, 16]),
      (e: Error) => {
        assert.equal(e.name, "ShapeError");
        assert.match(
          e.message,
          /^summary: the forward pass of Cnn on input \[2, 3, 16, 16\] \(float32\) failed in "features\.0" \(Conv2d\), called with \[2, 3, 16, 16\]: Conv2d: /,
        );
        assert.ok(e.cause instanceof tl.ShapeError);
        return true;
      },
    );
    assert.throws(() => m.summary([2, 1, 8, 8]), /failed in "fc" \(Linear\), called with \[2, 6\]: /);
    assert.deepEqual(stateOf(m), before);
    assert.equal(
      m.modules().some((x) => Object.hasOwn(x, "forward")),
      false,
    );
    // an error that is not tensorloom's own, from the model's forward itself
    class Broken extends nn.Module {
      forward(): Tensor {
        throw new RangeError("boom");
      }
    }
    assert.throws(() => new Broken().summary([1]), {
      name: "TensorloomError",
      message: "summary: the forward pass of Broken on input [1] (float32) failed: boom",
    });
  });

  it("refuses bad arguments with summary's name", () => {
    const m = new nn.Linear(2, 2);
    assert.throws(() => m.summary([2, -1]), {
      name: "ValueError",
      message: /^summary: a shape's sizes must be non-negative integers, got \[2,-1\]/,
    });
    assert.throws(
      () => m.summary([]),
      /ShapeError: summary: the forward pass of Linear on input \[\] \(float32\) failed: linear: /,
      "[] is one 0-d input",
    );
    assert.throws(() => m.summary(3 as never), /ValueError: summary: inputShape must be an array, got number/);
    assert.throws(() => m.summary([[1, 2], 3] as never), /summary: mixed shapes and numbers/);
    assert.throws(() => m.summary([1, 2], { dtype: ["float32", "float32"] }), /summary: dtype must be one dtype or a list of 1/);
    assert.throws(() => m.summary([1, 2], { dtype: "float16" as never }), { name: "DTypeError" });
    assert.throws(() => m.summary([1, 2], { mode: "test" as never }), /summary: mode must be "eval" or "train"/);
    assert.throws(() => m.summary([1, 2], { depth: -1 }), /summary: depth must be a non-negative number/);
  });

  it("the README's example prints the table the README shows", () => {
    const conv = new nn.Conv2d(1, 8, 3, { padding: 1 });
    conv.weight.requiresGrad = false;
    const model = new nn.Sequential(
      conv,
      new nn.BatchNorm2d(8),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Linear(8 * 14 * 14, 10),
    );
    const s = model.summary([32, 1, 28, 28]);
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Inspecting a model"));
    const shown = /```text\n([\s\S]*?)\n```/.exec(section)?.[1];
    assert.equal(shown, s.toString());
    assert.ok(section.includes(`// ${s.totalParams} ${s.trainableParams} [ 32, 8, 28, 28 ] ${s.memory.activationBytes}\n`));
  });

  it("works with a functional model and a 0-d input", () => {
    class Fn extends nn.Module {
      readonly w = this.registerParameter("w", new nn.Parameter(tl.ones([3])));
      forward(x: Tensor): { y: Tensor; n: number } {
        return { y: F.relu(this.w.mul(x)), n: 1 };
      }
    }
    const s = new Fn().summary([]);
    assert.deepEqual(s.layers[0]!.outputShape, { y: [3], n: null });
    assert.equal(tl.nn.formatShapeTree(s.layers[0]!.outputShape), "{y: [3], n: --}");
    assert.equal(s.totalParams, 3);
  });
});
