// A confusion matrix as an SVG string: true classes down, predicted across, each cell showing its
// count and coloured by its share of the row (the recall of that true class spread over the
// predictions), so a rare class's mistakes show as clearly as a common one's.

import { ValueError } from "../tensor/errors.js";
import { colorBar, COLOR_BAR_WIDTH, type ColorScale } from "./color.js";
import { checkLabels, checkMatrix, labelStep, matrixCells, type Matrix } from "./heatmap.js";
import { esc, svgOpen, svgTitle } from "./svg.js";

/** Options of confusionMatrixChart: title, class labels (default 0, 1, ...; sklearn ConfusionMatrixDisplay's display_labels), cell size. */
export interface ConfusionMatrixOptions {
  title: string;
  /** One label per class (default "0", "1", ...). */
  labels?: readonly string[];
  /** Cell side in px (default: 36 for few classes, down to 18 for many). */
  cell?: number;
}

/**
 * Each row divided by its sum (rows with no samples stay 0): the fraction of each true class given
 * each prediction, as sklearn's confusion_matrix(normalize="true").
 */
export function rowNormalize(counts: Matrix): number[][] {
  return counts.map((row) => {
    const n = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (n > 0 ? v / n : 0));
  });
}

/** Checks a matrix of counts: square, non-negative integers; returns the number of classes. */
export function checkCounts(op: string, counts: unknown): number {
  const [rows, cols] = checkMatrix(`${op}: counts`, counts);
  if (rows !== cols)
    throw new ValueError(
      `${op}: counts must be square (true classes x predicted classes), got ${rows} x ${cols}. Count every class in both, e.g. tl.train.confusionMatrix(pred, target, numClasses).`,
    );
  (counts as Matrix).forEach((row, i) =>
    row.forEach((v, j) => {
      if (!(Number.isInteger(v) && v >= 0))
        throw new ValueError(`${op}: counts must be non-negative integers, got ${v} at true class ${i}, predicted ${j}.`);
    }),
  );
  return rows;
}

/**
 * A confusion matrix (counts[true][predicted]) as an SVG string: counts in the cells, colours by
 * the row-normalised fraction (a colour bar from 0 to 100% of the row), class labels, each row's
 * total and the accuracy. Plays the role of sklearn's ConfusionMatrixDisplay.
 * @param counts square matrix of non-negative integers, as tl.train.confusionMatrix(...).toArray().
 */
export function confusionMatrixChart(counts: Matrix, opts: ConfusionMatrixOptions): string {
  const C = checkCounts("confusionMatrixChart", counts);
  checkLabels("confusionMatrixChart", "labels", opts.labels, C, "classes");
  const labels = opts.labels ?? Array.from({ length: C }, (_, k) => String(k));
  const cell = opts.cell ?? Math.max(18, Math.min(36, Math.floor(360 / C)));
  const fractions = rowNormalize(counts);
  const total = counts.flat().reduce((a, b) => a + b, 0),
    correct = counts.reduce((a, row, i) => a + row[i]!, 0);
  const scale: ColorScale = { kind: "linear", lo: 0, hi: 1, colormap: "blues" };
  // long class names (iris' "versicolor"): a wider left margin, and column labels slanted below
  const longest = Math.max(...labels.map((l) => l.length)),
    slant = longest * 6.5 > cell - 4;
  const left = Math.max(48, Math.ceil(longest * 6.5) + 28),
    top = 48,
    side = C * cell;
  const below = slant ? Math.ceil(longest * 6.5 * 0.7) + 18 : 20;
  const W = left + side + 54 + COLOR_BAR_WIDTH,
    H = top + Math.max(side + below, 100) + 28;
  const out = [
    svgOpen(W, H, 11),
    svgTitle(opts.title, left + side / 2),
    `<text x="${left + side / 2}" y="34" text-anchor="middle" fill="#444">accuracy ${total ? ((100 * correct) / total).toFixed(1) : "–"}% (${correct} of ${total})</text>`,
  ];
  out.push(matrixCells(fractions, scale, left, top, cell, cell, cell >= 18 ? { annotate: (_, i, j) => String(counts[i]![j]) } : {}));
  const step = labelStep(cell, 12);
  labels.forEach((l, k) => {
    if (k % step) return;
    const cx = left + k * cell + cell / 2;
    out.push(
      `<text x="${left - 6}" y="${top + k * cell + cell / 2 + 4}" text-anchor="end">${esc(l)}</text>`,
      slant
        ? `<text transform="translate(${cx + 4} ${top + side + 8}) rotate(-45)" text-anchor="end">${esc(l)}</text>`
        : `<text x="${cx}" y="${top + side + 14}" text-anchor="middle">${esc(l)}</text>`,
    );
  });
  counts.forEach((row, i) =>
    out.push(
      `<text class="row-total" x="${left + side + 6}" y="${top + i * cell + cell / 2 + 4}" fill="#666">${row.reduce((a, b) => a + b, 0)}</text>`,
    ),
  );
  out.push(`<text x="${left + side + 6}" y="${top - 4}" fill="#666">n</text>`);
  out.push(
    `<text x="${left + side / 2}" y="${top + side + below + 14}" text-anchor="middle">predicted</text>`,
    `<text transform="translate(14 ${top + side / 2}) rotate(-90)" text-anchor="middle">true</text>`,
  );
  out.push(colorBar(scale, left + side + 44, top, Math.max(side, 100), "share of row"));
  out.push("</svg>");
  return out.join("\n");
}
