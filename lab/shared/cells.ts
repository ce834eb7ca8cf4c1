// What the CNN pages print about one explained output cell (tl.explain.conv's taps): the window
// as a set of positions to highlight, and the sum of products written out. No DOM.
import type * as tl from "../../src/index.js";
import { num, term } from "./format.js";

/** The spatial positions a cell's taps read (the last two index entries), shifted by the padding, as "row,col" keys. */
export function windowKeys(cell: tl.explain.ConvCellExplanation, padding = 0, channel?: number): Set<string> {
  const taps = channel === undefined ? cell.taps : cell.taps.filter((t) => t.input.at(-3) === channel);
  return new Set(taps.map((t) => `${t.input.at(-2)! + padding},${t.input.at(-1)! + padding}`));
}

/** "5·(−1) + 8·0 + 4·1": each tap's input times its weight. */
export const productsText = (taps: readonly tl.explain.ConvTap[]): string => taps.map((t) => `${term(t.x)}·${term(t.w)}`).join(" + ");

/** Y[i, j] = products = sum, then the conv op's own value for the same cell. */
export function cellSumText(cell: tl.explain.ConvCellExplanation, opName = "F.conv2d"): string {
  const at = cell.index.slice(-2).join(", ");
  return `Y[${at}] = ${productsText(cell.taps)}\n        = ${num(cell.sum)}\n${opName} computes Y[${at}] = ${num(cell.value)}`;
}
