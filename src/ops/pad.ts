// Padding, as torch.nn.functional.pad. `pad` lists (before, after) pairs starting from the last
// dim. "constant" concatenates fills (negative amounts crop); "reflect", "replicate" and
// "circular" gather source positions with indexSelect, whose gradient sums the copies back.

import { ShapeError, ValueError } from "../tensor/errors.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { full } from "../tensor/create.js";
import { cat } from "./join.js";
import { indexSelect } from "./indexing.js";
import { narrow } from "./movement.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** Source position for output position i (which may lie outside [0, n)) under each mode. */
const source: { [K in Exclude<PadMode, "constant">]: (i: number, n: number) => number } = {
  reflect: (i, n) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i),
  replicate: (i, n) => Math.min(Math.max(i, 0), n - 1),
  circular: (i, n) => ((i % n) + n) % n,
};

/**
 * Pad x by `amounts` = [before, after] pairs from the last dim backwards, as F.pad.
 * @example tl.pad(tl.arange(3), [2, 1], "reflect") // => tensor([2, 1, 0, 1, 2, 1], dtype=int32)
 */
export function pad(x: Tensor, amounts: readonly number[], mode: PadMode = "constant", value = 0): Tensor {
  if (!Array.isArray(amounts) || amounts.length % 2 !== 0 || amounts.some((p) => !Number.isInteger(p))) {
    throw new ValueError(`pad: padding must be an even-length list of integers (before, after) per dim from the last, got ${JSON.stringify(amounts)}.`);
  }
  const k = amounts.length / 2;
  if (k > x.ndim) throw new ShapeError(`pad: ${amounts.length} values pad ${k} dims but the input ${fmt(x.shape)} has only ${x.ndim}.`);
  if (!Object.hasOwn(source, mode) && mode !== "constant") throw new ValueError(`pad: mode must be "constant", "reflect", "replicate" or "circular", got ${JSON.stringify(mode)}.`);
  let out = x;
  for (let j = 0; j < k; j++) {
    const dim = x.ndim - 1 - j;
    const before = amounts[2 * j]!, after = amounts[2 * j + 1]!;
    if (before === 0 && after === 0) continue;
    const n = out.shape[dim]!;
    if (mode === "constant") {
      if (before < 0 || after < 0) {
        const s = Math.max(-before, 0), e = n - Math.max(-after, 0);
        if (e < s) throw new ShapeError(`pad: cropping ${-before} and ${-after} from dim ${dim} of size ${n} leaves nothing.`);
        out = narrow(out, dim, s, e - s);
      }
      const fill = (m: number): Tensor => full(out.shape.map((s, i) => (i === dim ? m : s)), value, { dtype: out.dtype });
      const pieces = [...(before > 0 ? [fill(before)] : []), out, ...(after > 0 ? [fill(after)] : [])];
      out = pieces.length > 1 ? cat(pieces, dim) : out;
      continue;
    }
    if (before < 0 || after < 0) throw new ValueError(`pad: negative padding is only allowed in constant mode, got ${JSON.stringify(amounts)} with mode "${mode}".`);
    const limit = mode === "reflect" ? n - 1 : mode === "circular" ? n : Infinity;
    if (before > limit || after > limit || n === 0) {
      throw new ShapeError(`pad: ${mode} padding of (${before}, ${after}) on dim ${dim} of size ${n} is too large; it must be ${mode === "reflect" ? "less than" : "at most"} the dim size (${n}).`);
    }
    const idx = new Int32Array(n + before + after);
    for (let i = 0; i < idx.length; i++) idx[i] = source[mode](i - before, n);
    out = indexSelect(out, dim, new Tensor(idx, [idx.length]));
  }
  return out;
}
