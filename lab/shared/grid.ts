// Small matrices as HTML tables whose cells a page can mark (the kernel's window, padding, the
// current output cell, unused rows). Tables rather than tl.report's SVG heat maps because the
// teaching pages need the numbers legible and individual cells highlighted and re-marked on
// every step; the learned images (filters, feature maps) use tl.report.imageGrid.
import { num } from "./format.js";
import { el } from "./ui.js";

/** A class for cell (i, j), or "" for none. */
export type CellClass = (i: number, j: number) => string;

/** values as a table with class "grid"; cellClass marks cells; text overrides a cell's text. */
export function grid(
  values: readonly (readonly number[])[],
  o: { caption?: string; cellClass?: CellClass; text?: (v: number, i: number, j: number) => string; id?: string } = {},
): HTMLTableElement {
  const table = el("table", { class: "grid" });
  if (o.id) table.id = o.id;
  if (o.caption) table.append(el("caption", {}, o.caption));
  const body = el("tbody");
  values.forEach((row, i) => {
    const tr = el("tr");
    row.forEach((v, j) => {
      const cls = o.cellClass?.(i, j) ?? "";
      tr.append(el("td", cls ? { class: cls } : {}, o.text ? o.text(v, i, j) : num(v)));
    });
    body.append(tr);
  });
  table.append(body);
  return table;
}

/** A titled panel holding a grid or anything else. */
export function panel(title: string, ...content: (Node | string)[]): HTMLDivElement {
  return el("div", { class: "panel" }, el("h3", {}, title), ...content);
}

/** Replaces an element's children. */
export function show(target: Element, ...content: (Node | string)[]): void {
  target.replaceChildren(...content);
}
