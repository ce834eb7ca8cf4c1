// The WebGPU backend: float32, int32 and bool tensors in GPU buffers, kernels in WGSL.
//
// Storage: `allocate` gives every float32/int32/bool output a GpuStorage (float64 stays a host
// array). A GpuStorage's values are in its GPU buffer, or still on the host (a CPU kernel wrote
// them; the first GPU kernel that reads them uploads them), or nowhere yet (pristine zeros).
//
// Dispatch rule (every kernel goes through `route`):
// - Some operand's values are on the GPU, or the kernel has a WGSL version and its output is
//   float32: the WGSL kernel runs; host operands are uploaded (temporary buffers), GpuStorages
//   whose values are on the host are uploaded into their own buffer.
// - Otherwise every operand is on the host: the CPU fallback runs it (the wasm backend when
//   loaded, else the reference) into host values. So float64 work (gradient checks included),
//   int32 targets and bool masks of host tensors stay on the host and read synchronously.
// - Values on the GPU reaching a kernel with no WGSL version yet (or a case its version does
//   not handle, e.g. an int32 matmul): it throws "not implemented on webgpu yet".
// Reads of values on the GPU are asynchronous (`await t.dataAsync()`); a synchronous read
// throws, naming them (device.ts).
//
// Adding a kernel (conv, pooling, recurrent, indexing, scan, sort come next):
// 1. Write it in a file of this folder as `export function name(ctx: GpuContext, ...same
//    parameters as the Backend kernel...): boolean`. Bind each operand with
//    `ctx.bind(x)` (a GPU storage's buffer, or an upload of a host array; `.type` says how the
//    shader must declare it: f32, i32, or u32 for bool). Return true when it ran, false for a case it
//    does not handle (the rule above then decides).
// 2. Get its pipeline with `ctx.pipeline(key, () => wgsl)`: the key names everything the source
//    depends on (op, element types); the source is built once per key. Use main1d/MATH/convert
//    from wgsl.ts for elementwise-style kernels; bind buffers at 0, 1, ... in the order passed.
// 3. Pass sizes as `ctx.params([...u32 words], [...f32 values])` (a small storage buffer) and
//    record it with `ctx.dispatch(pipeline, [buffers...], { threads } or { groups }, [outputs])`.
// 4. Add it to GPU_KERNELS below, and a randomized comparison against wasm in test/browser/webgpuChecks.ts.

import type { Backend, KernelTable } from "../backend.js";
import { KERNEL_NAMES } from "../host.js";
import { UnsupportedKernelError } from "../../tensor/errors.js";
import { GpuContext, GpuStorage, gpuTypeOf } from "./device.js";
import { binary, copyStrided, unary, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import { logSoftmax, reduce } from "./reduce.js";
import { col2im, convBackward, convBackwardInput, convBackwardWeight, convForward, im2col } from "./conv.js";
import { avgPool, avgPoolBackward, maxPool } from "./pool.js";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.js";
import {
  gruCell,
  gruCellBackward,
  gruSequence,
  gruSequenceBackward,
  lstmCell,
  lstmCellBackward,
  lstmSequence,
  lstmSequenceBackward,
} from "./recurrent.js";
import { scan, sort } from "./sort.js";
import { optimStep } from "./optim.js";
import { checkIndices } from "./checkIndices.js";

export { GpuContext, GpuStorage } from "./device.js";

/** Where the backend finds WebGPU. */
export interface WebGpuOptions {
  /**
   * The GPU entry point: `navigator.gpu` in browsers (the default). In Node, the `webgpu` npm
   * package (Dawn): `import { create } from "webgpu"; await tl.initWebGpu({ gpu: create([]) })`.
   */
  gpu?: GPU;
  /** Passed to requestAdapter (e.g. { powerPreference: "high-performance" }). */
  adapter?: GPURequestAdapterOptions;
}

/** A GPU kernel: the Backend kernel's parameters after the context; false: a case it does not handle. */
type GpuKernel = (ctx: GpuContext, ...args: never[]) => boolean;

/** The kernels with a WGSL version, and the position of their output among the kernel's arguments. */
const GPU_KERNELS: Partial<Record<keyof KernelTable, { run: GpuKernel; out: number }>> = {
  unary: { run: unary, out: 2 },
  binary: { run: binary, out: 5 },
  where: { run: where, out: 6 },
  reduce: { run: reduce, out: 5 },
  matmul: { run: matmul, out: 2 },
  copyStrided: { run: copyStrided, out: 1 },
  logSoftmax: { run: logSoftmax, out: 1 },
  convForward: { run: convForward, out: 3 },
  convBackwardInput: { run: convBackwardInput, out: 2 },
  convBackwardWeight: { run: convBackwardWeight, out: 2 },
  convBackward: { run: convBackward, out: 3 },
  im2col: { run: im2col, out: 1 },
  col2im: { run: col2im, out: 1 },
  maxPool: { run: maxPool, out: 1 },
  avgPool: { run: avgPool, out: 1 },
  avgPoolBackward: { run: avgPoolBackward, out: 1 },
  indexSelect: { run: indexSelect, out: 5 },
  indexAdd: { run: indexAdd, out: 0 },
  gather: { run: gather, out: 5 },
  scatterAdd: { run: scatterAdd, out: 0 },
  lstmCell: { run: lstmCell, out: 2 },
  lstmCellBackward: { run: lstmCellBackward, out: 5 },
  gruCell: { run: gruCell, out: 3 },
  gruCellBackward: { run: gruCellBackward, out: 4 },
  lstmSequence: { run: lstmSequence, out: 4 },
  lstmSequenceBackward: { run: lstmSequenceBackward, out: 6 },
  gruSequence: { run: gruSequence, out: 4 },
  gruSequenceBackward: { run: gruSequenceBackward, out: 6 },
  scan: { run: scan, out: 6 },
  sort: { run: sort, out: 6 },
  optimStep: { run: optimStep, out: 1 },
};

export interface WebGpuBackend extends Backend {
  readonly context: GpuContext;
}

/** Request an adapter and a device, and build the backend over them; `fallback` runs all-host kernels. */
export async function createWebGpuBackend(options: WebGpuOptions, fallback: () => Backend): Promise<WebGpuBackend> {
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new UnsupportedKernelError(
      "webgpu: this runtime has no WebGPU (navigator.gpu is undefined). Browsers need WebGPU enabled and a secure context (https or localhost); in Node, install the `webgpu` package and pass its entry point: `await tl.initWebGpu({ gpu: create([]) })`.",
    );
  }
  const adapter = await gpu.requestAdapter(options.adapter);
  if (!adapter) {
    throw new UnsupportedKernelError(
      'webgpu: navigator.gpu.requestAdapter() found no GPU adapter (no GPU, or WebGPU is disabled for it). Use the wasm backend (tl.setBackend("wasm")), or in Chromium without a GPU launch with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader.',
    );
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const backend = webGpuBackend(new GpuContext(device), fallback);
  // Dawn (Node's webgpu package): the instance must outlive its devices; collected, it frees state
  // the device's event processing still locks (the process aborts in InstanceBase::ProcessEvents)
  Object.defineProperty(backend, "gpu", { value: gpu });
  return backend;
}

function isGpu(v: unknown): v is GpuStorage {
  return v instanceof GpuStorage;
}

/** The backend over a device: the dispatch rule in front of every kernel. */
export function webGpuBackend(ctx: GpuContext, fallback: () => Backend): WebGpuBackend {
  // every kernel is routed alike; route's (...args: unknown[]) => void fits each kernel's type
  const kernels = {} as { -readonly [K in keyof KernelTable]: Backend[K] };
  for (const name of KERNEL_NAMES) kernels[name] = route(ctx, name, fallback);
  return {
    ...kernels,
    name: "webgpu",
    context: ctx,
    allocate: (dtype: Parameters<typeof gpuTypeOf>[0], n: number) => (gpuTypeOf(dtype) ? ctx.allocate(dtype, n) : null),
    checkIndices: (...args: Parameters<NonNullable<Backend["checkIndices"]>>) => checkIndices(ctx, ...args),
  };
}

function route(ctx: GpuContext, name: keyof KernelTable, fallback: () => Backend): (...args: unknown[]) => void {
  const entry = GPU_KERNELS[name];
  const gpu = entry?.run as ((ctx: GpuContext, ...args: unknown[]) => boolean) | undefined;
  return (...args: unknown[]) => {
    const onGpu = args.some((a) => isGpu(a) && a.onGpu);
    const out = entry ? args[entry.out] : undefined;
    if (gpu && (onGpu || (isGpu(out) && out.dtype === "float32"))) {
      if (!isGpu(out)) {
        throw new UnsupportedKernelError(
          `webgpu: ${name} reads a GPU tensor into a host output (a float64 result, e.g. x.to("float64")): the GPU cannot write host memory synchronously. Read the values with \`await t.dataAsync()\` and build the float64 tensor from them.`,
        );
      }
      ctx.betweenKernels();
      if (gpu(ctx, ...args)) return;
    }
    if (args.some((a) => isGpu(a) && a.onGpu)) {
      const dtypes = [...new Set(args.filter((a): a is GpuStorage => isGpu(a) && a.onGpu).map((s) => s.dtype))].join(", ");
      throw new UnsupportedKernelError(
        `webgpu: the ${name} kernel is not implemented on webgpu yet for these operands (GPU tensors of dtype ${dtypes}). ` +
          `Read the inputs with \`await t.dataAsync()\` and run this op on the wasm backend (tl.setBackend("wasm")), or keep this part of the model on the CPU.`,
      );
    }
    // every operand on the host (or a pristine output): the CPU kernel, into host values the next GPU kernel uploads
    const hostArgs = args.map((a) => (isGpu(a) ? a.hostValues() : a));
    (fallback()[name] as (...a: unknown[]) => void)(...hostArgs);
    for (const a of args) if (isGpu(a)) a.pristine = false;
  };
}
