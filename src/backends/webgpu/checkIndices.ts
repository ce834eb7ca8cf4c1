// Range checks of index values that live on the GPU (class targets, gather/indexSelect indices a
// GPU op computed). The host checks its own indices before any kernel runs and throws at once;
// values on the GPU cannot be read synchronously, so a kernel checks them where they are and
// flags the first position out of range in the context's check flags (device.ts), and the next
// read throws the op's error, as a CUDA device-side assert surfaces at the next synchronization.
// The kernels reading the indices clamp them meanwhile, so nothing reads outside its operands.

import type { DeviceStorage } from "../../tensor/storage.js";
import { type GpuContext, GpuStorage } from "./device.js";
import { main1d } from "./wgsl.js";

/** The bindings both check shaders share (main1d sets the private NAN). */
const HEAD = /* wgsl */ `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> flags: array<atomic<u32>>;`;

/** The first check to fail claims the flags with its id (p[1]); its threads keep the lowest bad position. */
const FIND = `${HEAD}
${main1d(
  "p[0]",
  `  let v = index[i];
  if ((p[4] == 1u && v == bitcast<i32>(p[3])) || (v >= 0 && v < bitcast<i32>(p[2]))) { return; }
  loop {
    let r = atomicCompareExchangeWeak(&flags[0], 0u, p[1]);
    if (r.exchanged || r.old_value != 0u) {
      if (r.exchanged || r.old_value == p[1]) { atomicMin(&flags[1], i); }
      break;
    }
  }`,
)}`;

/** Then one thread records the value at that position. */
const VALUE = `${HEAD}
${main1d("1u", "  if (atomicLoad(&flags[0]) == p[1]) { atomicStore(&flags[2], bitcast<u32>(index[atomicLoad(&flags[1])])); }")}`;

/**
 * Flag the first value of `index` (int32 on the GPU) outside [0, size) and not equal to `skip`;
 * the next read throws `fail(value, position)`.
 */
export function checkIndices(
  ctx: GpuContext,
  index: DeviceStorage,
  size: number,
  skip: number | null,
  fail: (value: number, position: number) => Error,
): void {
  if (!(index instanceof GpuStorage) || index.dtype !== "int32" || index.length === 0) return;
  ctx.betweenKernels();
  const { flags, id } = ctx.registerCheck(fail);
  const n = index.length;
  const params = ctx.params([n, id, size, (skip ?? 0) >>> 0, skip === null ? 0 : 1]);
  const buffer = ctx.bind(index).buffer;
  ctx.dispatch(
    ctx.pipeline("checkIndices", () => FIND),
    [params, buffer, flags],
    { threads: n },
  );
  ctx.dispatch(
    ctx.pipeline("checkIndices:value", () => VALUE),
    [params, buffer, flags],
    { threads: 1 },
  );
}
