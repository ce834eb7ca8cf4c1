// Range checks of index values that live on the GPU (class targets, gather/indexSelect indices a
// GPU op computed). The host checks its own indices before any kernel runs and throws at once;
// values on the GPU cannot be read synchronously, so a kernel checks them where they are and
// flags the first position out of range in the context's check flags (device.ts), and the next
// read throws the op's error, as a CUDA device-side assert surfaces at the next synchronization.
// The kernels reading the indices clamp them meanwhile, so nothing reads outside its operands.

import type { DeviceStorage } from "../../tensor/storage.js";
import { type GpuContext, GpuStorage } from "./device.js";
import { main1d } from "./wgsl.js";

/**
 * Flag the first value of `index` (int32 on the GPU) outside [lo, hi) and not equal to `skip`;
 * the next read throws `fail(position, value)`.
 */
export function checkIndices(
  ctx: GpuContext,
  index: DeviceStorage,
  lo: number,
  hi: number,
  skip: number | null,
  fail: (position: number, value: number) => Error,
): void {
  if (!(index instanceof GpuStorage) || index.dtype !== "int32" || index.length === 0) return;
  ctx.betweenKernels();
  const { flags, id } = ctx.registerCheck(fail);
  const head = `var<private> NAN: f32;
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> flags: array<atomic<u32>>;`;
  // the first check to fail claims the flags with its id; its threads keep the lowest bad position
  const find = ctx.pipeline(
    "checkIndices",
    () => `${head}
${main1d(
  "p[0]",
  `  let v = index[i];
  if ((p[5] == 1u && v == bitcast<i32>(p[4])) || (v >= bitcast<i32>(p[2]) && v < bitcast<i32>(p[3]))) { return; }
  loop {
    let r = atomicCompareExchangeWeak(&flags[0], 0u, p[1]);
    if (r.exchanged || r.old_value != 0u) {
      if (r.exchanged || r.old_value == p[1]) { atomicMin(&flags[1], i); }
      break;
    }
  }`,
)}`,
  );
  // then one thread records the value at that position
  const value = ctx.pipeline(
    "checkIndices:value",
    () => `${head}
${main1d("1u", "  if (atomicLoad(&flags[0]) == p[1]) { atomicStore(&flags[2], bitcast<u32>(index[atomicLoad(&flags[1])])); }")}`,
  );
  const n = index.length;
  const params = ctx.params([n, id, lo >>> 0, hi >>> 0, (skip ?? 0) >>> 0, skip === null ? 0 : 1]);
  const buffer = ctx.bind(index).buffer;
  ctx.dispatch(find, [params, buffer, flags], { threads: n });
  ctx.dispatch(value, [params, buffer, flags], { threads: 1 });
}
