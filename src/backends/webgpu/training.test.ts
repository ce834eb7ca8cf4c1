// Training on webgpu in Node, end to end: the optimizer and loss fixture families on webgpu (the
// fused optimStep kernel), the digits CNN and an LSTM giving wasm's losses within float32
// tolerance (GPU memory over 2,000 steps: memory.test.ts). Runs through the `webgpu` package
// (Dawn); without a GPU, on Chromium's SwiftShader Vulkan driver (test/support/webgpuNode.ts).
// No adapter: every test skips, saying why.

import assert from "node:assert/strict";
import { describe } from "node:test";
import * as tl from "../../index.js";
import { DigitsCnn } from "../../cli/digits.js";
import { gpuIt as gpuItIn, runFixtureFilesOnWebGpu, useWebGpu } from "../../../test/support/webgpuNode.js";

const env = useWebGpu();
const gpuIt = (name: string, fn: () => Promise<void>): void => gpuItIn(env, name, fn);

/** Relative closeness at float32 tolerance. */
function assertLossesClose(gpu: number[], cpu: number[], label: string, tol = 2e-4): void {
  assert.equal(gpu.length, cpu.length);
  gpu.forEach((g, i) => {
    const c = cpu[i]!;
    assert.ok(Math.abs(g - c) <= tol * Math.max(1, Math.abs(c)), `${label} step ${i}: webgpu ${g}, wasm ${c}`);
  });
}

// ------------------------------------------------------------------------- PyTorch fixtures

const FIXTURE_FILES = ["../../optim/optim.test.js", "../../nn/loss.test.js"].map((f) => new URL(import.meta.resolve(f)));

describe("optimizer and loss fixture families on webgpu", () => {
  gpuIt("every case of optim_* and the loss families, float32 and float64", async () => {
    const families = await runFixtureFilesOnWebGpu(FIXTURE_FILES);
    assert.ok(families.includes("optim_adam"), "the optim families ran");
  });
});

describe("cross-entropy with a target on the GPU", () => {
  gpuIt("class weights, label smoothing, ignoreIndex: wasm's loss and gradient, no synchronous read", async () => {
    const run = async (backend: "wasm" | "webgpu") => {
      tl.setBackend(backend);
      const x = tl
        .tensor([
          [0.1, 2, -1, 0.5, 0.3],
          [1, 0.2, 0.3, -2, 0.1],
          [0.5, 0.5, 1.5, 0, 1],
          [2, 1, 0, -1, -2],
        ])
        .requiresGrad_();
      // on webgpu the int32 target is made by GPU kernels, so its values are not on the host
      const target = tl.tensor([1, 0, 4, 2], { dtype: "float32" }).mul(1).to("int32");
      if (backend === "webgpu") assert.equal(target.deviceStorage?.hostAddressable, false, "the target is on the GPU");
      const weight = tl.tensor([0.5, 1, 2, 1.5, 0.7]);
      const out: number[] = [];
      for (const opts of [{ weight, labelSmoothing: 0.2 }, { weight, labelSmoothing: 0.2, ignoreIndex: 2 }, { labelSmoothing: 0.1 }, {}]) {
        const l = tl.F.crossEntropy(x, target, opts);
        l.backward();
        out.push(await l.itemAsync(), ...(await x.grad!.dataAsync()));
        x.grad = null;
      }
      return out;
    };
    const cpu = await run("wasm");
    const gpu = await run("webgpu");
    assertLossesClose(gpu, cpu, "crossEntropy", 1e-5);
  });
});

// ------------------------------------------------------------------------- training vs wasm

/** Losses of `steps` training steps of `build` on `backend`, the model built from seed 7. */
async function losses(
  backend: "wasm" | "webgpu",
  steps: number,
  build: () => { params: tl.Tensor[]; loss: (s: number) => tl.Tensor },
  optimizer: (ps: tl.Tensor[]) => tl.optim.Optimizer<{ lr: number }>,
): Promise<number[]> {
  tl.setBackend(backend);
  tl.manualSeed(7);
  const { params, loss } = build();
  const opt = optimizer(params);
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const l = loss(s);
    l.backward();
    opt.step();
    out.push(await l.itemAsync());
  }
  return out;
}

describe("training on webgpu gives wasm's losses", () => {
  gpuIt("the digits CNN, 4 batches of 16 8x8 images (Adam)", async () => {
    const build = () => {
      const model = new DigitsCnn(8, 10);
      const g = new tl.Generator(11);
      const xs = [0, 1, 2, 3].map(() => tl.randn([16, 1, 8, 8], { generator: g }));
      const ys = [0, 1, 2, 3].map(() => tl.randint(0, 10, [16], { generator: g }));
      return { params: model.parameters(), loss: (s: number) => tl.F.crossEntropy(model.forward(xs[s]!), ys[s]!) };
    };
    const adam = (ps: tl.Tensor[]) => new tl.optim.Adam(ps, { lr: 1e-2 });
    const cpu = await losses("wasm", 4, build, adam);
    const gpu = await losses("webgpu", 4, build, adam);
    console.log(`# digits CNN losses: webgpu ${gpu.map((x) => x.toFixed(6)).join(", ")}; wasm ${cpu.map((x) => x.toFixed(6)).join(", ")}`);
    assert.ok(cpu[3]! < cpu[0]!, "the CNN learns");
    assertLossesClose(gpu, cpu, "digits CNN");
  });

  gpuIt("an LSTM, 5 steps (SGD with momentum and Nesterov, AdamW)", async () => {
    const build = () => {
      const lstm = new tl.nn.LSTM(6, 12);
      const head = new tl.nn.Linear(12, 3);
      const g = new tl.Generator(5);
      const x = tl.randn([9, 4, 6], { generator: g }),
        y = tl.randn([4, 3], { generator: g });
      const params = [...lstm.parameters(), ...head.parameters()];
      return {
        params,
        loss: () => {
          const [out] = lstm.forward(x);
          return tl.F.mseLoss(head.forward(out.select(0, -1)), y);
        },
      };
    };
    for (const [name, make] of [
      ["SGD", (ps: tl.Tensor[]) => new tl.optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
      ["AdamW", (ps: tl.Tensor[]) => new tl.optim.AdamW(ps, { lr: 1e-2, amsgrad: true })],
    ] as const) {
      const cpu = await losses("wasm", 5, build, make);
      const gpu = await losses("webgpu", 5, build, make);
      console.log(
        `# LSTM (${name}) losses: webgpu ${gpu.map((x) => x.toFixed(6)).join(", ")}; wasm ${cpu.map((x) => x.toFixed(6)).join(", ")}`,
      );
      assert.ok(cpu[4]! < cpu[0]!, `the LSTM learns (${name})`);
      assertLossesClose(gpu, cpu, `LSTM ${name}`);
    }
  });
});
