// GPU benchmark (issue #18): tensorloom's webgpu backend against TF.js's webgpu backend on the
// same GPU in one Node process, through Dawn's Node binding (the `webgpu` npm package), with
// tensorloom-wasm on the CPU as a third column. TF.js's webgl backend needs a browser (Node has
// no WebGL), so it is not a column here.
//   npm run bench:gpu                      a real GPU (Vulkan driver installed)
//   npm run bench:gpu -- --swiftshader     Chromium's SwiftShader (CPU) Vulkan: small sizes, a smoke test only
//   bash scripts/gpuBench.sh prepare       packs what the device machine needs (see that script)
// Every cell ends by reading one value back (await itemAsync / await data()), so a time covers
// the GPU's work and not only its submission; both libraries pay that one small read.

import { writeFileSync } from "node:fs";
import * as tl from "../src/index.js";
import * as tf from "@tensorflow/tfjs";
import { DigitsCnn } from "../src/cli/digits.js";
import { digits } from "./digits.js";
import { tfjsCnn } from "./tfjsCnn.js";
import { type Impl, type Workload, gflopsTable, measureAll, parseArgs, printTable } from "./harness.js";

const swiftshader = process.argv.includes("--swiftshader");
const outArg = process.argv.find((a) => a.startsWith("--json="));
const o = parseArgs(swiftshader ? 1 : 5);

/** Dawn through the `webgpu` package; navigator.gpu for TF.js's webgpu backend, which reads it there. */
async function startGpu(): Promise<{ gpu: GPU; info: Record<string, string> }> {
  if (swiftshader) {
    // Chromium's SwiftShader Vulkan driver (Debian's chromium package ships it) as Dawn's only adapter
    process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
    process.env.XDG_RUNTIME_DIR ??= "/tmp";
  }
  let webgpu: { create: (o: string[]) => GPU; globals: Record<string, unknown> };
  try {
    webgpu = (await import("webgpu")) as unknown as typeof webgpu;
  } catch (e) {
    throw new Error(`bench:gpu needs the \`webgpu\` package in bench/ (npm --prefix bench ci): ${(e as Error).message}`);
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  Object.defineProperty(globalThis, "navigator", { value: { gpu, userAgent: `node ${process.version}` }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new Error(
      "bench:gpu: Dawn found no GPU adapter. On a GPU machine install libvulkan1 and the driver's Vulkan ICD; without a GPU run with --swiftshader (needs Debian's chromium for its SwiftShader ICD).",
    );
  }
  const i = adapter.info;
  return { gpu, info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description } };
}

/** Wait for the GPU: one value of `t` read back (the queue runs in order, so all earlier work is done). */
const settle = (t: tl.Tensor): Promise<number> => t.reshape([-1]).slice(0, 0, 1).sum().itemAsync();
const settleTf = async (t: tf.Tensor): Promise<void> => {
  await t.data();
  t.dispose();
};

function matmul(n: number): Workload {
  return {
    key: `matmul ${n}`,
    label: `matmul ${n}×${n}×${n} (float32)`,
    flops: 2 * n ** 3,
    tensorloom: () => {
      tl.manualSeed(0);
      const a = tl.randn([n, n]),
        b = tl.randn([n, n]);
      return { run: () => settle(a.matmul(b)) };
    },
    tfjs: () => {
      const a = tf.randomNormal([n, n]),
        b = tf.randomNormal([n, n]);
      return { run: () => settleTf(tf.tidy(() => tf.matMul(a, b).slice([0, 0], [1, 1]))), dispose: () => tf.dispose([a, b]) };
    },
  };
}

function convTraining(batch: number, channels: number, side: number): Workload {
  return {
    key: "conv2d fwd+bwd",
    label: `conv2d forward + backward (x [${batch}, ${channels}, ${side}, ${side}], w [${2 * channels}, ${channels}, 3, 3], pad 1)`,
    tensorloom: () => {
      tl.manualSeed(0);
      const x0 = tl.randn([batch, channels, side, side]),
        w0 = tl.randn([2 * channels, channels, 3, 3]).mul(0.1);
      return {
        run: () => {
          const x = x0.detach().requiresGrad_(),
            w = w0.detach().requiresGrad_();
          tl.F.conv2d(x, w, null, { padding: 1 }).sum().backward();
          return settle(x.grad!.add(w.grad!.sum()));
        },
      };
    },
    tfjs: () => {
      const x = tf.randomNormal([batch, side, side, channels]) as tf.Tensor4D,
        w = tf.randomNormal([3, 3, channels, 2 * channels]).mul(0.1) as tf.Tensor4D;
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")));
      return {
        run: () =>
          settleTf(
            tf.tidy(() => {
              const [dx, dw] = grads([x, w]);
              return tf.add(dx!.slice([0, 0, 0, 0], [1, 1, 1, 1]).sum(), dw!.sum());
            }),
          ),
        dispose: () => tf.dispose([x, w]),
      };
    },
  };
}

function lstmStep(T: number, B: number, F: number, H: number): Workload {
  return {
    key: "LSTM training step",
    label: `LSTM training step (T=${T}, B=${B}, in ${F}, hidden ${H})`,
    tensorloom: () => {
      tl.manualSeed(0);
      const m = new tl.nn.LSTM(F, H);
      const x = tl.randn([T, B, F]),
        g = tl.randn([T, B, H]);
      return {
        run: () => {
          m.zeroGrad();
          const [out] = m.forward(x);
          out.mul(g).sum().backward();
          return settle(m.parameters()[0]!.grad!);
        },
      };
    },
    tfjs: () => {
      const layer = tf.layers.lstm({
        units: H,
        returnSequences: true,
        recurrentActivation: "sigmoid",
        recurrentInitializer: "glorotUniform",
      });
      const x = tf.randomNormal([B, T, F]),
        g = tf.randomNormal([B, T, H]);
      tf.tidy(() => void layer.apply(x));
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      return {
        run: () =>
          settleTf(
            tf.tidy(() => {
              const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, g)) as tf.Scalar, vars);
              return tf.addN(Object.values(grads).map((d) => d.sum()));
            }),
          ),
        dispose: () => {
          tf.dispose([x, g]);
          layer.dispose();
        },
      };
    },
  };
}

/** One epoch of a CNN on n images [side × side × inC], two conv blocks of `ch` channels, Adam, batch 64. */
function cnnEpoch(
  key: string,
  label: string,
  data: () => { n: number; side: number; inC: number; pixels: Float32Array; labels: Int32Array },
  ch: number,
): Workload {
  return {
    key,
    label,
    tensorloom: () => {
      const d = data();
      const x = tl.tensor(d.pixels, { shape: [d.n, d.inC, d.side, d.side] }),
        y = tl.tensor(d.labels);
      return {
        run: () => {
          tl.manualSeed(0);
          const model =
            key === "digits CNN epoch"
              ? new DigitsCnn(d.side, 10)
              : new tl.nn.Sequential(
                  new tl.nn.Conv2d(d.inC, ch, 3, { padding: 1 }),
                  new tl.nn.ReLU(),
                  new tl.nn.MaxPool2d(2),
                  new tl.nn.Conv2d(ch, ch, 3, { padding: 1 }),
                  new tl.nn.ReLU(),
                  new tl.nn.MaxPool2d(2),
                  new tl.nn.Flatten(),
                  new tl.nn.Linear(ch * (d.side / 4) ** 2, 10),
                );
          const opt = new tl.optim.Adam(model.parameters(), { lr: 3e-3 });
          let last: tl.Tensor | undefined;
          for (const [xb, yb] of new tl.data.DataLoader(new tl.data.TensorDataset(x, y), { batchSize: 64, shuffle: true })) {
            const loss = tl.F.crossEntropy(model.forward(xb!), yb!);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            last = loss;
          }
          return settle(last!);
        },
      };
    },
    tfjs: () => {
      const d = data();
      const nhwc = new Float32Array(d.pixels.length);
      const hw = d.side * d.side;
      for (let i = 0; i < d.n; i++)
        for (let c = 0; c < d.inC; c++) for (let p = 0; p < hw; p++) nhwc[(i * hw + p) * d.inC + c] = d.pixels[(i * d.inC + c) * hw + p]!;
      const x = tf.tensor4d(nhwc, [d.n, d.side, d.side, d.inC]),
        y = tf.oneHot(tf.tensor1d(d.labels, "int32"), 10);
      const width: [number, number] = key === "digits CNN epoch" ? [16, 32] : [ch, ch];
      return {
        run: async () => {
          const model = tfjsCnn(d.side, d.inC, width);
          await model.fit(x, y, { batchSize: 64, epochs: 1, shuffle: true, verbose: 0 });
          await settleTf(model.predict(x.slice([0, 0, 0, 0], [1, d.side, d.side, d.inC])) as tf.Tensor);
          model.dispose();
        },
        dispose: () => tf.dispose([x, y]),
      };
    },
  };
}

/** The digits training images (SwiftShader: the first 256, a smoke test). */
function digitsData() {
  const d = digits();
  const n = swiftshader ? Math.min(256, d.n) : d.n;
  return { n, side: 8, inC: 1, pixels: Float32Array.from(d.pixels.slice(0, n * 64)), labels: Int32Array.from(d.labels.slice(0, n)) };
}

function syntheticImages(n: number, side: number, inC: number) {
  tl.manualSeed(1);
  const pixels = tl.rand([n, inC, side, side]).data as Float32Array;
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 10);
  return { n, side, inC, pixels, labels };
}

const { gpu, info } = await startGpu();
await tl.initWebGpu({ gpu });
await import("@tensorflow/tfjs-backend-webgpu");

const small = swiftshader;
/** Images in the 32×32×64 CNN's epoch: SwiftShader runs it at a few images a second, so --quick trains one batch. */
const bigN = small ? (o.quick ? 64 : 256) : 4096;
const ws: Workload[] = [
  matmul(small ? 128 : 1024),
  matmul(small ? 256 : 4096),
  convTraining(small ? 4 : 32, 16, small ? 16 : 32),
  lstmStep(small ? 8 : 64, small ? 4 : 32, 32, small ? 32 : 128),
  cnnEpoch("digits CNN epoch", `digits CNN, one epoch (${digitsData().n} 8×8 images, batch 64, Adam)`, digitsData, 16),
  cnnEpoch(
    "CNN 32×32×64 epoch",
    `CNN epoch: ${bigN} images 3×32×32, two 3×3 conv blocks of 64 channels, batch 64, Adam`,
    () => syntheticImages(bigN, 32, 3),
    64,
  ),
];

const impls: Impl[] = [
  {
    column: "tensorloom-webgpu",
    lib: "tensorloom",
    enter: async () => tl.setBackend("webgpu"),
  },
  {
    column: "tfjs-webgpu",
    lib: "tfjs",
    enter: async () => {
      if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs: the webgpu backend failed to initialize");
      await tf.ready();
    },
  },
  {
    column: "tensorloom-wasm",
    lib: "tensorloom",
    enter: async () => tl.setBackend("wasm"),
  },
];

const { rows } = await measureAll(ws, impls, o);
const names = impls.map((i) => i.column);
const head = `GPU benchmark, ${new Date().toISOString()}, node ${process.version}, tfjs ${tf.version.tfjs}, adapter ${JSON.stringify(info)}${swiftshader ? " (SwiftShader: CPU, correctness smoke test, times mean nothing)" : ""}, median of ${o.runs} run(s) after warm-ups`;
console.log(head);
const table = printTable(rows, names, "tensorloom-webgpu");
const flops = gflopsTable(ws, rows, names);
console.log(`\n${flops}`);
if (outArg) writeFileSync(outArg.slice("--json=".length), JSON.stringify({ head, info, rows, table, flops }, null, 2));
process.exit(0);
