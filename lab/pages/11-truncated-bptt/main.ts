// Page 11: truncated BPTT. The chunk length and model drive truncatedGradients (one grid row per
// chunk: norms, cut, not reached); the chunk picker compares one chunk with full BPTT.
import * as tl from "../../../src/index.js";
import { num } from "../../shared/format.js";
import { show } from "../../shared/grid.js";
import { byId, controlBar, guarded, range, startPage } from "../../shared/ui.js";
import { RECURRENT_KINDS, standardize, type RecurrentKind } from "../../shared/seqModels.js";
import { loadShipped, SHIPPED_SERIES } from "../../shared/seqPage.js";
import { fullBpttNorms, truncatedGradients, type TruncationOptions, type TruncationResult } from "./truncation.js";

const MONTHS = 48,
  HIDDEN = 8;
const controls = byId("controls");
const ui = controlBar(() => update(), controls);
const chunk = ui.range({ label: "chunk length k", min: 1, max: MONTHS, value: 8, id: "chunk" });
const kind = ui.select<RecurrentKind>({ label: "model", options: RECURRENT_KINDS.map((k) => [k, k] as const), value: "RNN", id: "kind" });
const pick = range(controls, {
  label: "compare chunk j",
  min: 1,
  max: 6,
  value: 3,
  id: "compare-chunk",
  onInput: () => guarded(byId("error"), compare),
});

let series: number[] = [];
let result: TruncationResult;
const opts = (): TruncationOptions => ({ kind: kind.value, chunk: chunk.value, hidden: HIDDEN, seed: 1 });

function update(): void {
  guarded(byId("error"), () => {
    result = truncatedGradients(series, opts());
    const rows = result.rows;
    const cut = rows.reduce((a, r) => a + r.cells.filter((c) => c.kind === "cut").length, 0);
    const T = rows[0]!.cells.length;
    show(
      byId("cut-summary"),
      `k = ${chunk.value}: ${rows.length} chunk${rows.length > 1 ? "s" : ""} over T = ${T} steps, ${cut} (chunk, step) gradients cut\n` +
        `summed truncated gradient vs full BPTT's: cosine ${num(result.cosine)}, norm ratio ${num(result.normRatio)}\n` +
        `chunk losses: ${rows.map((r) => num(r.loss)).join(", ")}`,
    );
    // a norm where the gradient arrived; NaN (grey, "not reached") past the chunk's loss; cut cells NaN and hatched
    byId("cut-grid").innerHTML = tl.report.heatmap(
      rows.map((r) => r.cells.map((c) => (c.kind === "norm" ? c.norm : NaN))),
      {
        title: `${kind.value}: ‖∂L_j/∂H_t‖ of each chunk's loss`,
        scale: "log",
        colorBarLabel: "‖∂L_j/∂H_t‖",
        rowLabels: rows.map((r) => `chunk ${r.chunk.index + 1}`),
        colLabels: (t) => String(t + 1),
        xLabel: "time step t",
        width: 12 * T,
        height: Math.max(8, Math.min(18, 240 / rows.length)) * rows.length,
        hatched: rows.map((r) => r.cells.map((c) => c.kind === "cut")),
        hatchLabel: "cut (state detached)",
        missingLabel: "not reached",
      },
    );
    pick.input.max = String(rows.length);
    if (pick.value > rows.length) pick.value = rows.length;
    compare();
  });
}

/** Full BPTT against truncation for the picked chunk (called inside a guarded). */
function compare(): void {
  const row = result.rows[Math.min(pick.value, result.rows.length) - 1]!;
  const full = fullBpttNorms(series, opts(), row.chunk);
  const t = full.map((_, i) => i + 1);
  const truncated = row.cells.slice(0, full.length).map((c) => (c.kind === "norm" ? c.norm : NaN));
  byId("compare").innerHTML = tl.report.lineChart(
    [
      { name: "full BPTT", x: t, y: full },
      {
        name: `truncated (k = ${chunk.value})`,
        x: t.filter((_, i) => Number.isFinite(truncated[i])),
        y: truncated.filter(Number.isFinite),
        dash: "5 3",
      },
    ],
    {
      title: `chunk ${row.chunk.index + 1} (steps ${row.chunk.start + 1}–${row.chunk.end}): ‖∂L_j/∂H_t‖`,
      xLabel: "time step t",
      logY: true,
      width: 560,
      height: 260,
      legend: "bottom",
    },
  );
}

await startPage(async () => {
  series = standardize((await loadShipped(SHIPPED_SERIES[0]!)).values.slice(0, MONTHS + 1)).values;
  update();
});
