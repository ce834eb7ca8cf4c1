// Page helpers of the sequence pages (08-13): the series they ship (fetched from the built site's
// data/ folder), a learner's own CSV by drag and drop or a keyboard-operable file picker (page 7
// takes its digits CSV the same way), and the choice of a numeric column to treat as the series.
// DOM and fetch only; the tables are read by tensorloom/frame's readCsv.
import { ValueError } from "../../src/index.js";
import { type DataFrame, readCsv } from "../../src/frame/index.js";
import { el, guarded } from "./ui.js";

/** A series the pages ship: file in data/ and the column holding the values. */
export interface ShippedSeries {
  id: string;
  label: string;
  file: string;
  column: string;
  /** What one step is, for axis labels. */
  step: string;
}

export const SHIPPED_SERIES: readonly ShippedSeries[] = [
  { id: "airline", label: "airline passengers (monthly, 1949-60)", file: "airline-passengers.csv", column: "passengers", step: "month" },
  { id: "co2", label: "CO₂ at Mauna Loa (monthly, 1959-97)", file: "co2-mauna-loa.csv", column: "ppm", step: "month" },
  { id: "dax", label: "DAX closing price (daily, 1991-98)", file: "eu-stock-markets.csv", column: "DAX", step: "trading day" },
];

/** The text of a file the build copied into the site's data/ folder (pages live two levels below it). */
export async function fetchData(file: string): Promise<string> {
  const res = await fetch(new URL(`../../data/${file}`, document.baseURI));
  if (!res.ok) throw new Error(`could not load data/${file}: HTTP ${res.status}`);
  return res.text();
}

/** A loaded series: its values, and one label per value (the first column when it is not the values). */
export interface LoadedSeries {
  name: string;
  values: number[];
  labels: string[];
  step: string;
}

/** The values of `column` (default: the last numeric column) with the first column as labels; missing values dropped. */
export function seriesOf(df: DataFrame, name: string, column?: string, step = "step"): LoadedSeries {
  const numeric = df.columns.filter((c) => ["float64", "int64"].includes(df.col(c).dtype));
  const col = column ?? numeric.at(-1);
  if (col === undefined)
    throw new ValueError(`${name}: no numeric column; the series needs one column of numbers (the columns are ${df.columns.join(", ")}).`);
  const values = df.col(col).toArray() as (number | null)[];
  const first = df.columns[0]!;
  const labels =
    first === col
      ? values.map((_, i) => String(i + 1))
      : (df.col(first).toArray() as unknown[]).map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)));
  const keep = values.map((v, i) => (typeof v === "number" && Number.isFinite(v) ? i : -1)).filter((i) => i >= 0);
  return { name: `${name}: ${col}`, values: keep.map((i) => values[i] as number), labels: keep.map((i) => labels[i]!), step };
}

/** Fetch and read one of the shipped series. */
export async function loadShipped(s: ShippedSeries): Promise<LoadedSeries> {
  return seriesOf(readCsv(await fetchData(s.file)), s.label, s.column, s.step);
}

/**
 * A file picker (keyboard-operable) and a drop target on the whole page for the learner's own
 * CSV. onText gets the file's name and text inside ui.ts's guarded, so the library's refusals
 * (a malformed CSV, a series too short) show in `errorBox`; so does a file that cannot be read.
 */
export function csvInput(parent: HTMLElement, errorBox: HTMLElement, onText: (name: string, text: string) => void): void {
  const input = el("input", { type: "file", accept: ".csv,text/csv", id: "csv-file" });
  const read = (file: File | undefined): void => {
    if (!file) return;
    file
      .text()
      .then((t) => {
        guarded(errorBox, () => onText(file.name, t));
      })
      .catch((e: unknown) => {
        errorBox.textContent = `${file.name}: ${e instanceof Error ? e.message : String(e)}`;
        errorBox.hidden = false;
      });
  };
  input.addEventListener("change", () => read(input.files?.[0]));
  parent.append(el("label", { class: "csv" }, "your CSV (or drop one on the page)", input));
  document.addEventListener("dragover", (e) => {
    e.preventDefault();
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dropping"));
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dropping");
    read(e.dataTransfer?.files[0]);
  });
}

/** Yield to the browser (paint, input) between chunks of training. */
export const nextFrame = (): Promise<void> => new Promise((done) => setTimeout(done, 0));
