// ONNX export checked against onnxruntime-node: each model is traced on one example input, then
// run in onnxruntime on other random inputs of the same shape, and its outputs must equal
// tensorloom's (eval mode) to float32 tolerance. Skips, saying why, where onnxruntime-node does
// not load. TENSORLOOM_ONNX_REPORT=1 prints the max abs difference per model.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tl from "../index.js";

const { nn } = tl;
type Ort = typeof import("onnxruntime-node");

let ort: Ort | null = null;
let skip: string | false = false;
try {
  ort = await import("onnxruntime-node");
} catch (e) {
  skip = `onnxruntime-node cannot load here (${(e as Error).message.split("\n")[0]}); install it with ONNXRUNTIME_NODE_INSTALL=skip npm ci`;
  console.log(`# skipping ONNX round trips: ${skip}`);
}

const TOL = 2e-5;

function ortTensor(t: tl.Tensor): InstanceType<Ort["Tensor"]> {
  if (t.dtype === "int32") return new ort!.Tensor("int32", Int32Array.from(t.storage as Int32Array), [...t.shape]);
  return new ort!.Tensor("float32", Float32Array.from(t.storage as Float32Array), [...t.shape]);
}

function flat(v: unknown, out: tl.Tensor[] = []): tl.Tensor[] {
  if (v instanceof tl.Tensor) out.push(v);
  else if (Array.isArray(v)) for (const e of v) flat(e, out);
  return out;
}

/**
 * Export `model` traced on `example`, run onnxruntime on each of `cases` (argument lists of the
 * example's shapes), compare with tensorloom's forward; returns the max abs difference.
 */
async function roundTrip(label: string, model: tl.nn.Module, example: tl.Tensor[], cases: tl.Tensor[][]): Promise<number> {
  const bytes = tl.onnx.toBytes(model, example);
  const session = await ort!.InferenceSession.create(bytes);
  model.eval();
  let worst = 0;
  for (const args of cases) {
    const want = flat(tl.noGrad(() => (model.forward as (...a: tl.Tensor[]) => unknown).apply(model, args)));
    const feeds: Record<string, InstanceType<Ort["Tensor"]>> = {};
    session.inputNames.forEach((n, i) => (feeds[n] = ortTensor(args[i]!)));
    const got = await session.run(feeds);
    assert.equal(session.outputNames.length, want.length, `${label}: output count`);
    session.outputNames.forEach((n, i) => {
      const g = got[n]!,
        w = want[i]!;
      assert.deepEqual([...g.dims], [...w.shape], `${label}: output ${n} shape`);
      const gd = g.data as Float32Array;
      for (let k = 0; k < gd.length; k++) {
        const d = Math.abs(gd[k]! - Number(w.storage[k]));
        if (!(d <= TOL * (1 + Math.abs(Number(w.storage[k])))))
          assert.fail(`${label}: output ${n}[${k}] is ${gd[k]} in onnxruntime, ${w.storage[k]} in tensorloom`);
        worst = Math.max(worst, d);
      }
    });
  }
  if (process.env.TENSORLOOM_ONNX_REPORT)
    console.log(`# ${label}: max abs difference ${worst.toExponential(2)} over ${cases.length} inputs`);
  return worst;
}

const randn = (shape: number[]): tl.Tensor => tl.randn(shape);
/** Cases: three fresh random inputs of each argument's shape. */
const fresh = (make: () => tl.Tensor[]): tl.Tensor[][] => [make(), make(), make()];

async function check(label: string, model: tl.nn.Module, make: () => tl.Tensor[]): Promise<number> {
  return roundTrip(label, model, make(), fresh(make));
}

describe("onnx export round trips in onnxruntime", { skip }, () => {
  it("CNN: conv, batchnorm, relu, maxpool, flatten, linear, dropout", async () => {
    tl.manualSeed(1);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 8, 3, { padding: 1 }),
      new nn.BatchNorm2d(8),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3),
      new nn.BatchNorm2d(16),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.Dropout(0.3),
      new nn.Linear(16 * 2 * 2, 32),
      new nn.ReLU(),
      new nn.Dropout(0.3),
      new nn.Linear(32, 10),
    );
    // non-trivial running statistics: a few training-mode forwards
    tl.noGrad(() => {
      for (let i = 0; i < 3; i++) model.forward(randn([8, 1, 12, 12]).mul(2).add(0.5));
    });
    tl.onnx.toBytes(model, randn([4, 1, 12, 12]));
    assert.ok(model.training, "export leaves the training flag as it was");
    const d = await check("CNN", model, () => [randn([4, 1, 12, 12])]);
    assert.ok(d < 1e-4);
  });

  it("LSTM forecaster: LSTM (batchFirst) and a linear layer on the last step", async () => {
    tl.manualSeed(2);
    class Forecaster extends nn.Module {
      readonly lstm = this.registerModule("lstm", new nn.LSTM(3, 16, { batchFirst: true, numLayers: 2 }));
      readonly head = this.registerModule("head", new nn.Linear(16, 1));
      forward(x: tl.Tensor): tl.Tensor {
        const [out] = this.lstm.forward(x);
        return this.head.forward(out.select(1, -1));
      }
    }
    await check("LSTM forecaster", new Forecaster(), () => [randn([5, 12, 3])]);
  });

  it("GRU classifier: embedding, bidirectional GRU, linear on both final states", async () => {
    tl.manualSeed(3);
    class Classifier extends nn.Module {
      readonly emb = this.registerModule("emb", new nn.Embedding(50, 8));
      readonly gru = this.registerModule("gru", new nn.GRU(8, 12, { bidirectional: true, batchFirst: true }));
      readonly fc = this.registerModule("fc", new nn.Linear(24, 4));
      forward(tokens: tl.Tensor): tl.Tensor {
        const [, h] = this.gru.forward(this.emb.forward(tokens));
        return tl.logSoftmax(this.fc.forward(tl.cat([h.select(0, 0), h.select(0, 1)], 1)), 1);
      }
    }
    await check("GRU classifier", new Classifier(), () => [tl.randint(0, 50, [6, 9])]);
  });

  describe("one test per layer", () => {
    const layer = (label: string, m: tl.nn.Module, shape: number[]) =>
      it(label, async () => {
        tl.manualSeed(label.length);
        await check(label, m, () => [randn(shape)]);
      });
    layer("Conv1d (stride, dilation, groups)", new nn.Conv1d(4, 6, 3, { stride: 2, dilation: 2, groups: 2, padding: 2 }), [2, 4, 20]);
    layer("Conv2d padding same, reflect", new nn.Conv2d(3, 4, 3, { padding: "same", paddingMode: "reflect" }), [2, 3, 7, 7]);
    layer("Conv2d replicate, no bias", new nn.Conv2d(3, 4, [3, 2], { padding: 1, paddingMode: "replicate", bias: false }), [2, 3, 6, 5]);
    layer("Conv3d", new nn.Conv3d(2, 3, 2, { padding: 1 }), [1, 2, 4, 5, 4]);
    layer("Conv2d unbatched", new nn.Conv2d(2, 3, 3), [2, 6, 6]);
    layer("ConvTranspose1d", new nn.ConvTranspose1d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), [2, 3, 7]);
    layer("ConvTranspose2d", new nn.ConvTranspose2d(4, 2, 2, { stride: 2 }), [1, 4, 5, 5]);
    layer("ConvTranspose3d", new nn.ConvTranspose3d(2, 2, 3, { stride: 2, padding: 1, groups: 2 }), [1, 2, 3, 3, 3]);
    layer("MaxPool1d", new nn.MaxPool1d(3, { stride: 2, padding: 1 }), [2, 3, 11]);
    layer("MaxPool2d dilation", new nn.MaxPool2d(2, { dilation: 2 }), [1, 2, 9, 9]);
    layer("MaxPool3d", new nn.MaxPool3d(2), [1, 2, 4, 4, 4]);
    layer("MaxPool2d ceilMode", new nn.MaxPool2d(2, { ceilMode: true }), [1, 2, 7, 7]);
    layer("AvgPool1d", new nn.AvgPool1d(3, { stride: 2, padding: 1 }), [2, 3, 10]);
    layer("AvgPool2d countIncludePad false", new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [1, 2, 7, 7]);
    layer("AvgPool3d", new nn.AvgPool3d(2), [1, 2, 4, 4, 4]);
    layer("AdaptiveAvgPool2d global", new nn.AdaptiveAvgPool2d(1), [2, 3, 5, 7]);
    layer("AdaptiveAvgPool2d exact division", new nn.AdaptiveAvgPool2d([2, 3]), [2, 3, 4, 9]);
    layer("AdaptiveMaxPool1d global", new nn.AdaptiveMaxPool1d(1), [2, 3, 9]);
    layer("AdaptiveMaxPool2d exact division", new nn.AdaptiveMaxPool2d(2), [1, 2, 6, 4]);
    layer("AdaptiveAvgPool3d", new nn.AdaptiveAvgPool3d([1, 2, 2]), [1, 2, 3, 4, 4]);
    layer("Linear 3-D input", new nn.Linear(5, 3), [2, 4, 5]);
    layer("Linear no bias", new nn.Linear(5, 3, { bias: false }), [4, 5]);
    layer(
      "BatchNorm1d",
      (() => {
        const b = new nn.BatchNorm1d(4);
        tl.noGrad(() => b.forward(randn([16, 4]).mul(3)));
        return b;
      })(),
      [5, 4],
    );
    layer(
      "BatchNorm1d 3-D, no affine",
      (() => {
        const b = new nn.BatchNorm1d(3, { affine: false });
        tl.noGrad(() => b.forward(randn([4, 3, 6]).add(1)));
        return b;
      })(),
      [2, 3, 6],
    );
    layer(
      "BatchNorm3d",
      (() => {
        const b = new nn.BatchNorm3d(2);
        tl.noGrad(() => b.forward(randn([2, 2, 3, 3, 3])));
        return b;
      })(),
      [1, 2, 3, 3, 3],
    );
    layer("LayerNorm", new nn.LayerNorm([4, 5]), [3, 4, 5]);
    layer("LayerNorm no affine", new nn.LayerNorm(6, { elementwiseAffine: false, eps: 1e-3 }), [2, 6]);
    layer("Dropout (eval)", new nn.Dropout(0.5), [3, 4]);
    layer("Dropout2d (eval)", new nn.Dropout2d(0.5), [2, 3, 4, 4]);
    layer("Flatten", new nn.Flatten(1, 2), [2, 3, 4, 5]);
    layer("ReLU", new nn.ReLU(), [3, 7]);
    layer("LeakyReLU", new nn.LeakyReLU(0.2), [3, 7]);
    layer("ELU", new nn.ELU(0.7), [3, 7]);
    layer("Sigmoid", new nn.Sigmoid(), [3, 7]);
    layer("Tanh", new nn.Tanh(), [3, 7]);
    layer("GELU", new nn.GELU(), [3, 7]);
    layer("GELU tanh", new nn.GELU("tanh"), [3, 7]);
    layer("SiLU", new nn.SiLU(), [3, 7]);
    layer("Softplus", new nn.Softplus(), [3, 7]);
    layer("Softplus beta, threshold", new nn.Softplus(2, 1), [3, 7]);
    layer("Softmax", new nn.Softmax(1), [3, 7]);
    layer("LogSoftmax dim -1", new nn.LogSoftmax(-1), [2, 3, 7]);
    layer("RNN tanh, 2 layers", new nn.RNN(3, 5, { numLayers: 2 }), [6, 2, 3]);
    layer(
      "RNN relu, bidirectional, batchFirst",
      new nn.RNN(3, 5, { nonlinearity: "relu", bidirectional: true, batchFirst: true }),
      [2, 6, 3],
    );
    layer("LSTM bidirectional, 2 layers", new nn.LSTM(3, 4, { bidirectional: true, numLayers: 2 }), [5, 2, 3]);
    layer("LSTM unbatched, no bias", new nn.LSTM(3, 4, { bias: false }), [5, 3]);
    layer("GRU 2 layers, batchFirst", new nn.GRU(3, 4, { numLayers: 2, batchFirst: true }), [2, 5, 3]);
    layer("GRU bidirectional unbatched", new nn.GRU(3, 4, { bidirectional: true }), [5, 3]);

    it("Embedding", async () => {
      tl.manualSeed(9);
      await check("Embedding", new nn.Embedding(20, 4), () => [tl.randint(0, 20, [3, 5])]);
    });

    it("LSTM with an initial state passed in", async () => {
      tl.manualSeed(10);
      class WithState extends nn.Module {
        readonly lstm = this.registerModule("lstm", new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }));
        forward(x: tl.Tensor, h0: tl.Tensor, c0: tl.Tensor): unknown {
          return this.lstm.forward(x, [h0, c0]);
        }
      }
      await check("LSTM with h0, c0", new WithState(), () => [randn([5, 2, 3]), randn([4, 2, 4]), randn([4, 2, 4])]);
    });

    it("GRU with h0", async () => {
      tl.manualSeed(11);
      await check("GRU with h0", new nn.GRU(3, 4, { numLayers: 2 }), () => [randn([5, 2, 3]), randn([2, 2, 4])]);
    });
  });

  describe("glue ops in a user's forward", () => {
    it("residual block: add, mul by a number, sub from a number, mean, reshape, permute, matmul", async () => {
      tl.manualSeed(12);
      class Block extends nn.Module {
        readonly fc = this.registerModule("fc", new nn.Linear(6, 6));
        readonly w = this.registerParameter("w", new nn.Parameter(tl.randn([6, 3])));
        forward(x: tl.Tensor): tl.Tensor {
          const h = x.add(this.fc.forward(x).relu().mul(0.5));
          const z = tl.sub(1, h.sigmoid()).div(3);
          const p = z.reshape([2, 4, 6]).permute([0, 2, 1]); // [2, 6, 4]
          const q = tl.matmul(p.transpose(1, 2), this.w); // [2, 4, 3]
          return q
            .mean(1)
            .add(q.sum([1, 2], true).squeeze(2))
            .exp()
            .sqrt()
            .neg()
            .tanh();
        }
      }
      await check("glue: residual block", new Block(), () => [randn([8, 6])]);
    });

    it("a layer subclass that overrides forward is traced op by op; F.linear; a shared layer used twice", async () => {
      tl.manualSeed(14);
      class Scaled extends nn.Linear {
        override forward(x: tl.Tensor): tl.Tensor {
          return super.forward(x).mul(2);
        }
      }
      class Twice extends nn.Module {
        readonly a = this.registerModule("a", new Scaled(4, 4));
        readonly b = this.registerModule("b", new nn.Linear(4, 4));
        readonly w = this.registerParameter("w", new nn.Parameter(tl.randn([3, 4])));
        forward(x: tl.Tensor): tl.Tensor {
          return tl.F.linear(this.b.forward(this.b.forward(this.a.forward(x)).tanh()), this.w);
        }
      }
      const g = tl.onnx.traceGraph(new Twice(), randn([2, 4]));
      assert.deepEqual(
        g.nodes.map((n) => n.op),
        [
          "Reshape",
          "Transpose",
          "MatMul",
          "Add",
          "Reshape",
          "Mul",
          "Gemm",
          "Tanh",
          "Gemm",
          "Reshape",
          "Transpose",
          "MatMul",
          "Reshape",
          "Identity",
        ],
      );
      await check("glue: overridden forward, F.linear", new Twice(), () => [randn([2, 4])]);
    });

    it("slices, narrow, cat, stack, expand, softmax, silu, gelu, leakyRelu, elu functional", async () => {
      tl.manualSeed(13);
      class Glue extends nn.Module {
        forward(x: tl.Tensor): tl.Tensor[] {
          const a = x.narrow(1, 1, 3),
            b = tl.slice(x, 1, 0, 5, 2);
          const c = tl.cat([a, b], 1).softmax(1);
          const s = tl.stack([tl.silu(a), tl.gelu(b)], 0);
          return [
            c,
            s.unsqueeze(1).expand([2, 5, 4, 3]).mul(tl.leakyRelu(a, 0.1)),
            tl
              .elu(x, 0.5)
              .pow(2)
              .maximum(tl.zeros([1, 5]).add(0.25)),
          ];
        }
      }
      await check("glue: slices and friends", new Glue(), () => [randn([4, 5])]);
    });
  });
});

describe("onnx export: the file, errors, inspection", () => {
  it("export writes the bytes that toBytes returns", async () => {
    tl.manualSeed(20);
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
    const dir = mkdtempSync(join(tmpdir(), "tl-onnx-"));
    try {
      const path = join(dir, "model.onnx");
      const bytes = await tl.onnx.export(model, tl.ones([1, 3]), path);
      assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
      assert.deepEqual(tl.onnx.toBytes(model, tl.ones([1, 3])), bytes, "deterministic");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // reads source, not kernels: once, in the default (wasm) configuration, as test/browserBundle.test.ts
  const once =
    process.env.TENSORLOOM_BACKEND === undefined ||
    (process.env.TENSORLOOM_BACKEND === "wasm" && process.env.TENSORLOOM_WASM_FMA === undefined);
  it("toBytes runs from the browser bundle (no Node import reachable) and gives the same bytes", {
    skip: !once && "runs once, in the wasm configuration",
  }, async () => {
    const { bundleForBrowser } = await import("../../test/support/bundle.js");
    const mod = await bundleForBrowser("src/index.ts");
    mod.manualSeed(22);
    const model = new mod.nn.Sequential(new mod.nn.Conv1d(2, 3, 3), new mod.nn.ReLU(), new mod.nn.Flatten(), new mod.nn.Linear(9, 2));
    const x = mod.randn([2, 2, 5]);
    const bytes = mod.onnx.toBytes(model, x) as Uint8Array;
    tl.manualSeed(22);
    const same = new nn.Sequential(new nn.Conv1d(2, 3, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(9, 2));
    assert.deepEqual(bytes, tl.onnx.toBytes(same, tl.randn([2, 2, 5])));
  });

  it("parameters become initializers under their state-dict names; LSTM gates go in ONNX order", () => {
    tl.manualSeed(21);
    const model = new nn.Sequential(new nn.Conv1d(2, 3, 3), new nn.BatchNorm1d(3), new nn.Flatten(), new nn.Linear(6, 2));
    const g = tl.onnx.traceGraph(model, tl.randn([1, 2, 4]));
    const names = g.initializers.map((t) => t.name);
    for (const k of ["0.weight", "0.bias", "1.weight", "1.running_mean", "1.running_var", "3.weight", "3.bias"])
      assert.ok(names.includes(k), k);
    assert.deepEqual(
      g.nodes.map((n) => n.op),
      ["Conv", "BatchNormalization", "Reshape", "Gemm", "Identity"],
    );
    assert.deepEqual(
      g.inputs.map((v) => [v.name, v.dims]),
      [["input", [1, 2, 4]]],
    );
    assert.deepEqual(
      g.outputs.map((v) => [v.name, v.dims]),
      [["output", [1, 2]]],
    );
  });

  it("an unsupported layer or op is named, with what is supported", () => {
    assert.throws(
      () => tl.onnx.toBytes(new nn.Conv2d(1, 1, 3, { paddingMode: "circular", padding: 1 }), tl.randn([1, 1, 4, 4])),
      (e: Error) =>
        e instanceof tl.onnx.OnnxExportError &&
        /Conv2d: paddingMode "circular"/.test(e.message) &&
        /Supported layers: Linear/.test(e.message),
    );
    class Sorts extends nn.Module {
      forward(x: tl.Tensor): tl.Tensor {
        return tl.cumsum(x, 1);
      }
    }
    assert.throws(
      () => tl.onnx.toBytes(new Sorts(), tl.randn([2, 3])),
      /the op "cumsum" in the model's forward has no ONNX mapping.*Supported ops in a forward: add/s,
    );
    assert.throws(
      () => tl.onnx.toBytes(new nn.AdaptiveAvgPool1d(3), tl.randn([1, 2, 7])),
      /output size \[3\] does not divide the input size \[7\]/,
    );
    assert.throws(() => tl.onnx.toBytes(new nn.LSTM(3, 4, { projSize: 2 }), tl.randn([5, 1, 3])), /projSize/);
  });

  it("refuses to freeze values that depend on the input, and value-dependent control flow", () => {
    class Detached extends nn.Module {
      forward(x: tl.Tensor): tl.Tensor {
        return x.add(x.detach().mul(2));
      }
    }
    class Masked extends nn.Module {
      forward(x: tl.Tensor): tl.Tensor {
        return x.mul(x.gt(0));
      }
    }
    class Branchy extends nn.Module {
      forward(x: tl.Tensor): tl.Tensor {
        return x.sum().item() > 0 ? x.exp() : x.neg();
      }
    }
    const x = tl.tensor([[0.1, 1, -2]]);
    assert.throws(() => tl.onnx.toBytes(new Detached(), x), /changes with the input: it was computed by an op the tracer does not see/);
    assert.throws(() => tl.onnx.toBytes(new Masked(), x), /changes with the input/);
    assert.throws(() => tl.onnx.toBytes(new Branchy(), tl.tensor([[0.1, 0.1, 0.1]])), /different ops for two inputs/);
  });
});
