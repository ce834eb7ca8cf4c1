// Padding, as torch.nn.functional.pad. `pad` lists (before, after) pairs starting from the last
// dim. "constant" concatenates fills; "reflect", "replicate" and "circular" gather source
// positions with indexSelect, whose gradient sums the copies back. Negative amounts crop.

import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt, numelOf } from "../tensor/shape.js";
import { checkElements } from "../tensor/limits.js";
import { Tensor } from "../tensor/tensor.js";
import { full } from "../tensor/create.js";
import { cat } from "./join.js";
import { indexSelect } from "./indexing.js";
import { narrow, squeeze, unsqueeze } from "./movement.js";
import { asOp } from "../tensor/opContext.js";

/** How pad fills the border: "constant" (a value, default 0), "reflect", "replicate" or "circular", as F.pad's mode. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** Source position for output position i (which may lie outside [0, n)) under each mode. */
const source: { [K in Exclude<PadMode, "constant">]: (i: number, n: number) => number } = {
  reflect: (i, n) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i),
  replicate: (i, n) => Math.min(Math.max(i, 0), n - 1),
  circular: (i, n) => ((i % n) + n) % n,
};

/** The input ranks F.pad accepts for a non-constant mode padding k dims (PyTorch 1.13). */
function ranksFor(mode: Exclude<PadMode, "constant">, k: number): number[] {
  // reflect and replicate take unbatched [C, ...] or batched [N, C, ...] input; circular only batched
  return mode === "circular" ? [k + 2] : [k + 1, k + 2];
}

const layout = (k: number, nd: number): string => {
  const spatial = ["W", "H, W", "D, H, W"][k - 1]!;
  return nd === k + 1 ? `[C, ${spatial}]` : `[N, C, ${spatial}]`;
};

/**
 * Pad x by `amounts` = [before, after] pairs from the last dim backwards, as F.pad. Negative
 * amounts crop (in circular mode the wrap then reads the cropped input, as PyTorch).
 * @example tl.pad(tl.arange(3).reshape([1, 3]), [2, 1], "reflect") // => tensor([[2, 1, 0, 1, 2, 1]], dtype=int32)
 */
export function pad(x: Tensor, amounts: readonly number[], mode: PadMode = "constant", value = 0): Tensor {
  return asOp("pad", () => padOf(x, amounts, mode, value));
}

function padOf(x: Tensor, amounts: readonly number[], mode: PadMode, value: number): Tensor {
  if (!Array.isArray(amounts) || amounts.length % 2 !== 0 || amounts.some((p) => !Number.isInteger(p))) {
    throw new ValueError(
      `pad: padding must be an even-length list of integers (before, after) per dim from the last, got ${JSON.stringify(amounts)}.`,
    );
  }
  const k = amounts.length / 2;
  if (k > x.ndim) throw new ShapeError(`pad: ${amounts.length} values pad ${k} dims but the input ${fmt(x.shape)} has only ${x.ndim}.`);
  if (!Object.hasOwn(source, mode) && mode !== "constant")
    throw new ValueError(`pad: mode must be "constant", "reflect", "replicate" or "circular", got ${JSON.stringify(mode)}.`);
  if (mode === "constant" && x.ndim === 1) {
    // cat skips 1-D empty tensors (PyTorch's legacy rule): cropping all of a 1-D input would
    // then drop x from the graph. As a row of a 2-D tensor it stays a piece of the cat.
    return squeeze(padOf(unsqueeze(x, 0), amounts, mode, value), 0);
  }
  if (mode !== "constant") {
    if (k === 0) {
      throw new ValueError(
        `pad: ${mode} padding needs 2, 4 or 6 values ((before, after) for the last 1, 2 or 3 dims), got none (as PyTorch). Give amounts, e.g. [1, 1], or skip the pad.`,
      );
    }
    const ranks = ranksFor(mode, k);
    if (k > 3 || !ranks.includes(x.ndim)) {
      const accepted =
        k > 3
          ? "only the last 1, 2 or 3 dims"
          : `${k} dim${k > 1 ? "s" : ""} of ${ranks.map((r) => `${r}-D ${layout(k, r)}`).join(" or ")} input`;
      throw new ShapeError(
        `pad: ${mode} padding with ${amounts.length} values pads ${accepted}, got input ${fmt(x.shape)} (as PyTorch). Reshape the input to that layout, or use constant mode.`,
      );
    }
    // PyTorch's reflect and replicate kernels take an empty batch, but no other empty dim
    const empty = x.shape.findIndex((s, i) => s === 0 && (i > 0 || x.ndim === k + 1));
    if (mode !== "circular" && empty >= 0) {
      throw new ShapeError(
        `pad: ${mode} padding needs every dim but the batch dim non-empty, got input ${fmt(x.shape)} (dim ${empty} is 0). Only the batch dim of [N, C, ...] input may be 0.`,
      );
    }
  }
  // PyTorch crops in place when no amount is positive, but builds a new tensor otherwise, which
  // it refuses to make with an empty padded dim
  const growing = amounts.some((p) => p > 0);
  // reflect and replicate refuse negative sizes, and (a check PyTorch joins with "or") a result
  // whose padded dims are all empty
  const allEmpty = Array.from({ length: k }, (_, j) => x.shape[x.ndim - 1 - j]! + amounts[2 * j]! + amounts[2 * j + 1]!).every(
    (s) => s <= 0,
  );
  let out = x;
  for (let j = 0; j < k; j++) {
    const dim = x.ndim - 1 - j;
    const before = amounts[2 * j]!,
      after = amounts[2 * j + 1]!;
    if (before === 0 && after === 0) continue;
    const n = out.shape[dim]!;
    const size = n + before + after;
    const tooSmall = (): ShapeError =>
      new ShapeError(
        `pad: ${mode} padding of (${before}, ${after}) leaves dim ${dim} of size ${n} with ${size} elements; ${mode === "constant" ? "when any amount is positive, every padded dim must keep at least one" : "a padded dim may be cropped to 0 but not below, and not all of them"} (as PyTorch). Crop less.`,
      );
    if ((mode === "reflect" || mode === "replicate") && (size < 0 || (size === 0 && allEmpty))) throw tooSmall();
    if (mode === "constant" || mode === "circular") {
      if (before < 0 || after < 0) {
        const s = Math.max(-before, 0),
          e = n - Math.max(-after, 0);
        if (e < s) throw new ShapeError(`pad: cropping ${-before} and ${-after} from dim ${dim} of size ${n} leaves nothing.`);
        out = narrow(out, dim, s, e - s);
      }
      if (mode === "constant" && growing && size === 0) throw tooSmall();
    }
    if (mode === "constant") {
      const fill = (m: number): Tensor =>
        full(
          out.shape.map((s, i) => (i === dim ? m : s)),
          value,
          { dtype: out.dtype },
        );
      const pieces = [...(before > 0 ? [fill(before)] : []), out, ...(after > 0 ? [fill(after)] : [])];
      out = pieces.length > 1 ? cat(pieces, dim) : out;
      continue;
    }
    // circular wraps over the cropped size m, reflect and replicate read the input (size n)
    const m = out.shape[dim]!;
    const b = mode === "circular" ? Math.max(before, 0) : before,
      a = mode === "circular" ? Math.max(after, 0) : after;
    const limit = mode === "reflect" ? n - 1 : mode === "circular" ? m : Infinity;
    if (b > limit || a > limit) {
      const rule =
        mode === "reflect" ? `less than the dim size (${n})` : `at most the dim size after cropping (${m}): it may wrap around once`;
      throw new ShapeError(
        `pad: ${mode} padding of (${before}, ${after}) on dim ${dim} of size ${n} is too large; each amount must be ${rule}.`,
      );
    }
    const len = m + b + a;
    if (len < 0) throw new ShapeError(`pad: cropping ${-before} and ${-after} from dim ${dim} of size ${n} leaves nothing.`);
    if (len === m && b === 0) continue; // circular mode, cropping only
    // replicate has no bound on its amounts: check the result's size before the index table
    const outShape = out.shape.map((s, i) => (i === dim ? len : s));
    checkElements(numelOf(outShape), outShape);
    const idx = new Int32Array(len);
    for (let i = 0; i < len; i++) idx[i] = source[mode](i - b, m);
    out = indexSelect(out, dim, new Tensor(idx, [len]));
  }
  return out;
}
