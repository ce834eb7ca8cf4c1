// The GPU memory trace of issue #18 ("a 10,000-step training loop whose GPU memory stays flat"),
// shared by the Node test (src/backends/webgpu/memory.test.ts, through Dawn) and the Chromium
// page (test/browser/webgpu.ts with TENSORLOOM_WEBGPU_STEPS). A small MLP trains on webgpu; every
// `every` steps the sample records the bytes live tensors and the pool hold, the most held at
// once since the previous sample, and, where the runtime lets a test request a full collection
// (Chromium with --js-flags=--expose-gc, Node through v8.setFlagsFromString), the live bytes
// after one. ./memoryFlat.ts judges the samples.
import * as tl from "../../src/index.js";
import { kernels } from "../../src/backends/index.js";
import type { WebGpuBackend } from "../../src/backends/webgpu/index.js";
import type { MemorySample } from "./memoryFlat.js";

export interface MemoryTraceOptions {
  steps: number;
  every: number;
  optimizer: "sgd" | "adam";
  /** A full collection (globalThis.gc where exposed); none: liveAfterGc is not recorded. */
  gc?: () => void;
}

/**
 * An MLP 8-16-3 on fixed random data (64 rows, from `seed`) with its optimizer (SGD with momentum
 * 0.9, or Adam): each call of the result runs one training step and returns its loss. Shared with
 * the page's training check (test/browser/webgpuChecks.ts), which compares it across backends.
 */
export function mlpTrainer(seed: number, optimizer: "sgd" | "adam", lr: number): () => tl.Tensor {
  const g = new tl.Generator(seed);
  const X = tl.randn([64, 8], { generator: g }),
    Y = tl.randn([64, 3], { generator: g });
  const params = [
    tl.randn([8, 16], { generator: g }).mul(0.3).requiresGrad_(),
    tl.zeros([16]).requiresGrad_(),
    tl.randn([16, 3], { generator: g }).mul(0.3).requiresGrad_(),
    tl.zeros([3]).requiresGrad_(),
  ] as const;
  const [w1, b1, w2, b2] = params;
  const opt = optimizer === "sgd" ? new tl.optim.SGD([...params], { lr, momentum: 0.9 }) : new tl.optim.Adam([...params], { lr });
  return () => {
    opt.zeroGrad();
    const loss = tl.nn.functional.mseLoss(X.matmul(w1).add(b1).relu().matmul(w2).add(b2), Y);
    loss.backward();
    opt.step();
    return loss;
  };
}

export async function memoryTrace({
  steps,
  every,
  optimizer,
  gc,
}: MemoryTraceOptions): Promise<{ trace: MemorySample[]; losses: number[] }> {
  tl.setBackend("webgpu");
  const ctx = (kernels() as WebGpuBackend).context;
  const step = mlpTrainer(3, optimizer, optimizer === "sgd" ? 0.05 : 1e-2);
  const trace: MemorySample[] = [];
  const losses: number[] = [];
  ctx.resetPeak();
  for (let s = 1; s <= steps; s++) {
    const loss = step();
    if (s % 10 === 0) losses.push(await loss.itemAsync()); // a read now and then, as a training loop does
    if (s % every === 0) {
      const sample: MemorySample = {
        step: s,
        liveBytes: ctx.liveBytes,
        pooledBytes: ctx.pooledBytes,
        peakBytes: ctx.peakBytes,
        finalized: ctx.finalized,
      };
      if (gc) {
        // twice: the collector's callbacks run as tasks, and a storage may be freed by the second
        for (let k = 0; k < 2; k++) {
          gc();
          await new Promise((ok) => setTimeout(ok, 0));
        }
        sample.liveAfterGc = ctx.liveBytes;
      }
      trace.push(sample);
      ctx.resetPeak();
    }
  }
  return { trace, losses };
}
