// Page 3: 1-D, 2-D and 3-D convolution; convDimensions.ts computes.
import { type ConvDimensions, type Dims, convDimensions, slicePosition } from "./convDimensions.js";
import { grid, panel, show } from "../../shared/grid.js";
import { num } from "../../shared/format.js";
import { productsText } from "../../shared/cells.js";
import { byId, controlBar, el, startPage, stepThrough } from "../../shared/ui.js";

const $ = byId;
const ui = controlBar(() => page.update());
const dims = ui.select<"1" | "2" | "3">({
  label: "dimensions",
  options: [
    ["1", "1-D (a sequence)"],
    ["2", "2-D (an image)"],
    ["3", "3-D (a volume)"],
  ],
  value: "2",
  id: "dims",
});
const n = ui.range({ label: "input size per axis", min: 3, max: 8, value: 5, id: "size" });
const k = ui.range({ label: "kernel size per axis", min: 1, max: 3, value: 2, id: "kernel-size" });
const s = ui.range({ label: "stride S", min: 1, max: 3, value: 1, id: "stride" });

const page = stepThrough<ConvDimensions>({
  compute: () => {
    const nd = Number(dims.value) as Dims;
    // a 3-D input of 8 × 8 × 8 is 512 cells: keep the volume small enough to read
    if (nd === 3 && n.value > 5) n.value = 5;
    return convDimensions(nd, n.value, k.value, s.value);
  },
  count: (r) => r.cells.length,
  draw,
});

/** Slices as grids; mark(slice, i, j) gives each cell's class. */
function slicesView(
  values: number[][][],
  axisName: string,
  mark: (z: number, i: number, j: number) => string,
  text?: (v: number, z: number, i: number, j: number) => string,
): HTMLElement {
  return el(
    "div",
    { class: "row" },
    ...values.map((sl, z) =>
      grid(sl, {
        caption: values.length > 1 ? `${axisName} = ${z}` : "",
        cellClass: (i, j) => mark(z, i, j),
        ...(text ? { text: (v: number, i: number, j: number) => text(v, z, i, j) } : {}),
      }),
    ),
  );
}

function draw(r: ConvDimensions, at: number): void {
  const cell = r.cells[at]!;
  // the input is batched [N, C, ...spatial]: a tap's position is its index past N and C
  const win = new Set(cell.taps.map((t) => slicePosition(t.input.slice(2)).join()));
  const cur = slicePosition(cell.index.slice(2)).join();
  const outShape = [r.output.length, r.output[0]!.length, r.output[0]![0]!.length];
  const order = (z: number, i: number, j: number): number => (z * outShape[1]! + i) * outShape[2]! + j;
  show($("call"), r.call);
  show(
    $("tensors"),
    panel(
      "Input",
      slicesView(r.input, "depth", (z, i, j) => (win.has([z, i, j].join()) ? "win" : "")),
    ),
    panel(
      "Kernel",
      slicesView(r.kernel, "depth", () => ""),
    ),
    panel(
      "Output",
      slicesView(
        r.output,
        "depth",
        (z, i, j) => ([z, i, j].join() === cur ? "cur" : ""),
        (v, z, i, j) => (order(z, i, j) <= at ? num(v) : "·"),
      ),
    ),
  );
  show(
    $("cell-sum"),
    `Y[${cell.index.slice(2).join(", ")}] = ${productsText(cell.taps)}\n        = ${num(cell.sum)}   (${cell.taps.length} taps: ${r.axes.map((a) => a.k).join(" × ")})`,
  );
  show($("formula"), r.axes.map((a) => a.text).join("\n"));
}

await startPage(() => page.update());
