// The small inputs and kernels the CNN pages compute on: seeded integers (products a learner can
// check in their head) drawn with tensorloom's own generator, and a few named kernels.
import * as tl from "../../src/index.js";

/** A shape's worth of seeded integers in [low, high) as a float64 tensor (conv needs floats). */
export function sampleTensor(shape: number[], seed: number, low = 0, high = 10): tl.Tensor {
  return tl.randint(low, high, shape, { generator: new tl.Generator(seed) }).to("float64");
}

/** The named kernels a page offers. */
export const KERNELS = [
  ["edge", "vertical edge (−1 left, +1 right)"],
  ["blur", "box blur (all 1)"],
  ["diagonal", "diagonal (1 on the diagonal)"],
  ["random", "random integers in [−2, 2]"],
] as const;
export type KernelName = (typeof KERNELS)[number][0];

/** A k × k kernel by name, as a float64 tensor [k, k]. */
export function kernel2d(name: KernelName, k: number, seed = 7): tl.Tensor {
  if (name === "random") return sampleTensor([k, k], seed, -2, 3);
  const rows = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      if (name === "blur") return 1;
      if (name === "diagonal") return i === j ? 1 : 0;
      // edge: left half −1, right half +1, the middle column (odd k) 0
      return 2 * j + 1 < k ? -1 : 2 * j + 1 > k ? 1 : 0;
    }),
  );
  return tl.tensor(rows, { dtype: "float64" });
}

/** A tensor's values as nested number arrays (2-D). */
export const rows2d = (t: tl.Tensor): number[][] => t.toArray() as number[][];
