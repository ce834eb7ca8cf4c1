// Page 13: pandas verbs. One button per verb (a toolbar, keyboard-operable) shows its code, the
// pandas line, the input tables and the result, all from verbs.ts; "rows shown" trims the tables;
// a dropped CSV switches to the generic verbs on the learner's own table.
import { readCsv, type DataFrame } from "../../../src/frame/index.js";
import { show } from "../../shared/grid.js";
import { button, byId, el, guarded, range, startPage } from "../../shared/ui.js";
import { csvInput, fetchData } from "../../shared/seqPage.js";
import { ownVerbs, VERB_DATA, VERBS, type VerbTexts } from "./verbs.js";

const controls = byId("controls");
const rowsShown = range(controls, { label: "rows shown", min: 3, max: 30, value: 8, id: "rows", onInput: () => draw() });
csvInput(controls, byId("error"), (name, text) => useOwn(name, text));

let texts: VerbTexts;
let current = 0;
let own: { name: string; text: string; verbs: ReturnType<typeof ownVerbs> } | null = null;

/** A frame's first rows as a table (DataFrame.toHtml), with its size. */
function table(title: string, df: DataFrame, id: string): HTMLElement {
  const n = rowsShown.value;
  const box = el("div", { class: "frame-table", id });
  box.innerHTML = df.head(n).toHtml();
  const dtypes = df.columns.map((c) => `${c}: ${df.col(c).dtype}`).join(", ");
  return el(
    "div",
    { class: "panel" },
    el("h3", {}, `${title}: ${df.length} rows × ${df.columns.length} columns${df.length > n ? ` (first ${n} shown)` : ""}`),
    box,
    el("p", { class: "note" }, `dtypes: ${dtypes}`),
  );
}

function rawText(title: string, text: string): HTMLElement {
  const lines = text
    .split("\n")
    .slice(0, rowsShown.value + 1)
    .join("\n");
  return el(
    "div",
    { class: "panel" },
    el("h3", {}, `${title} (the file's first lines)`),
    el("pre", { class: "code formula", id: "raw-text" }, lines),
  );
}

const asName = (k: string): string => k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace("airlinePassengers", "airline");

function buttons(): void {
  const names = own ? own.verbs.map((v) => v.verb) : VERBS.map((v) => v.verb);
  const bar = byId("verbs");
  bar.replaceChildren();
  names.forEach((name, i) => {
    const b = button(
      bar,
      name,
      () => {
        current = i;
        draw();
      },
      `verb-${name}`,
    );
    b.setAttribute("aria-pressed", String(i === current));
  });
}

/** Show the current verb (on the shipped data or the learner's file); callers guard it. */
function render(): void {
  buttons();
  if (own) {
    const v = own.verbs[current]!;
    show(
      byId("explain"),
      `Your file ${own.name}: the verbs that fit its columns (the first text column as the key, the first numeric one as the value).`,
    );
    show(byId("code"), v.code);
    show(byId("pandas"), "(the same verb in pandas; see the shipped examples)");
    show(
      byId("tables"),
      v.verb === "read" ? rawText(own.name, own.text) : table("input", own.verbs[0]!.result, "input-table"),
      table("result", v.result, "result-table"),
    );
    return;
  }
  const v = VERBS[current]!;
  show(byId("explain"), v.explain);
  const prelude = v.inputs
    .filter(() => v.verb !== "read")
    .map((k) => `const ${asName(k)} = readCsv(await (await fetch("data/${k}.csv")).text());`)
    .join("\n");
  show(byId("code"), `${prelude}${prelude ? "\n" : ""}${v.code}`);
  show(byId("pandas"), v.pandas);
  const inputs =
    v.verb === "read"
      ? [rawText(`data/${v.inputs[0]}.csv`, texts[v.inputs[0]!])]
      : v.inputs.map((k, i) => table(`${asName(k)} (input)`, readCsv(texts[k]), `input-table${i ? `-${i + 1}` : ""}`));
  show(byId("tables"), ...inputs, table("result", v.run(texts), "result-table"));
}

const draw = (): void => void guarded(byId("error"), render);

function useOwn(name: string, text: string): void {
  own = { name, text, verbs: ownVerbs(text) };
  current = 0;
  render();
}

await startPage(async () => {
  const loaded = await Promise.all(VERB_DATA.map(async (k) => [k, await fetchData(`${k}.csv`)] as const));
  texts = Object.fromEntries(loaded) as VerbTexts;
  draw();
});
