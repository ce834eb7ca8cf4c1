// Page-specific checks of the sequence pages (08-13) for test/browser/lab.ts (merged into
// labChecks.ts's CHECKS): each drives the page by keyboard or click and compares what it shows
// with the page's computation module run here in Node on the same lab/data files, or checks the
// stated training bound.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { readCsv } from "../../src/frame/index.js";
import { num } from "../../lab/shared/format.js";
import { standardize } from "../../lab/shared/seqModels.js";
import { autocorrelation, fitArModel } from "../../lab/pages/08-sequence-data/sequence.js";
import { unrollRnn } from "../../lab/pages/09-rnn-unrolled/unroll.js";
import { GradientFlow } from "../../lab/pages/10-bptt-gradients/gradientFlow.js";
import { truncatedGradients } from "../../lab/pages/11-truncated-bptt/truncation.js";
import { ownVerbs, VERB_DATA, VERBS, type VerbTexts } from "../../lab/pages/13-pandas-verbs/verbs.js";
import { heatmapRow, parse, press, setSlider, text, waitText } from "./labDrive.js";

const dataText = (file: string): string => readFileSync(new URL(`../../lab/data/${file}`, import.meta.url), "utf8");
const column = (file: string, name: string): number[] => readCsv(dataText(file)).col(name).toArray() as number[];

async function sequencePage(page: Page): Promise<string> {
  const airline = column("airline-passengers.csv", "passengers");
  await setSlider(page, "tau", 3);
  const ar = fitArModel(airline, 3, 24);
  assert.match(await text(page, "#ar-error"), new RegExp(`held-out steps: ${num(ar.testRmse)}$`), "AR(3)'s held-out RMSE equals Node's");
  await page.locator("#series").focus();
  await page.keyboard.press("ArrowDown"); // the next series: CO2
  const r = autocorrelation(column("co2-mauna-loa.csv", "ppm"), 36);
  await waitText(page, "#acf-text", new RegExp(`the series: r_1 = ${num(r[1]!)},`), 10_000);
  // the learner's own CSV: 60 steps of a noisy seasonal series, its last numeric column used
  const own = Array.from({ length: 60 }, (_, t) => Math.round(100 + 10 * Math.sin((2 * Math.PI * t) / 12) + t + ((t * 7919) % 13)));
  const csv = `step,value\n${own.map((v, t) => `${t + 1},${v}`).join("\n")}\n`;
  await page.locator("#csv-file").setInputFiles({ name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  const mine = fitArModel(own, 3, 24);
  await waitText(
    page,
    "#ar-error",
    new RegExp(`RMSE on the 33 fitted steps: ${num(mine.trainRmse)}\nRMSE on the 24 held-out steps: ${num(mine.testRmse)}$`),
    10_000,
  );
  // a series too short for AR(3) with 24 held-out steps: the library's refusal stays on the page
  await page.locator("#csv-file").setInputFiles({ name: "short.csv", mimeType: "text/csv", buffer: Buffer.from("v\n1\n3\n2\n5\n4\n6\n") });
  await waitText(page, "#error", /fitArModel: tau = 3 needs more than 30 values.*the series has 6/, 10_000);
  assert.ok(await page.locator("#error").isVisible(), "the error box is shown");
  return `AR(3) held-out RMSE ${num(ar.testRmse)}, CO2's r_1 = ${num(r[1]!)} and a picked CSV's AR(3) RMSE ${num(mine.testRmse)} equal Node's; a 6-value CSV shows the library's refusal`;
}

async function unrolledPage(page: Page): Promise<string> {
  await setSlider(page, "t", 5);
  const x = standardize(column("airline-passengers.csv", "passengers").slice(0, 18)).values;
  const run = unrollRnn(x, 4, 1);
  const want = `nn.RNN's own output at t = 5: [${run.output[4]!.map(num).join(", ")}]`;
  assert.ok((await text(page, "#step-formula")).endsWith(want), `H_5 equals Node's: ${want}`);
  await press(page, "step");
  await waitText(page, "#step-formula", /output at t = 6:/, 10_000).catch(async () =>
    assert.fail(`step advances to t = 6; the page shows: ${await text(page, "#step-formula")}`),
  );
  return `H_5 = [${run.output[4]!.map(num).join(", ")}] equals Node's; step moved to t = 6`;
}

async function bpttPage(page: Page): Promise<string> {
  // clipping off at T = 24, lr 0.5: the RNN's gradients explode and SGD diverges; LSTM and GRU train
  await setSlider(page, "window", 24);
  await waitText(page, "#flow-summary", /clipping off[^\n]*40 steps done/, 180_000);
  const off = await text(page, "#flow-summary");
  assert.match(off, /\nRNN [^\n]*diverged/, "without clipping the RNN diverges");
  assert.doesNotMatch(off, /\n(LSTM|GRU) [^\n]*diverged/, "LSTM and GRU do not");
  await setSlider(page, "window", 12);
  await page.locator("#clip").focus();
  await page.keyboard.press("Space"); // clipping on
  await waitText(page, "#flow-summary", /clipping on[^\n]*40 steps done/, 120_000);
  const series = standardize(column("airline-passengers.csv", "passengers")).values;
  const kinds = ["RNN", "LSTM", "GRU"] as const;
  for (const [k, kind] of kinds.entries()) {
    const flow = new GradientFlow(series, { kind, T: 12, hidden: 12, lr: 0.5, clip: 1, seed: 1 });
    const want = flow.next().norms;
    const shown = await heatmapRow(page, `#maps > div:nth-child(${k + 1}) rect.cell title`, 0);
    assert.equal(shown.length, 12, `${kind}: one cell per time step`);
    shown.forEach((v, t) =>
      assert.ok(Math.abs(v - want[t]!) <= 1e-4 * want[t]!, `${kind} step 1, t=${t + 1}: page ${v} vs Node ${want[t]}`),
    );
  }
  const on = await text(page, "#flow-summary");
  assert.match(on, /clipped at \d+ of 40 steps/);
  assert.doesNotMatch(on, /diverged/, "with clipping no model diverges");
  return "T = 24 without clipping: the RNN diverges, LSTM and GRU train; T = 12 with clipping: nothing diverges, and the first heatmap row of RNN, LSTM and GRU equals GradientTrace's in Node";
}

async function truncatedPage(page: Page): Promise<string> {
  await setSlider(page, "chunk", 6);
  const series = standardize(column("airline-passengers.csv", "passengers").slice(0, 49)).values;
  const r = truncatedGradients(series, { kind: "RNN", chunk: 6, hidden: 8, seed: 1 });
  const cut = r.rows.reduce((a, row) => a + row.cells.filter((c) => c.kind === "cut").length, 0);
  const summary = await text(page, "#cut-summary");
  assert.ok(summary.startsWith(`k = 6: ${r.rows.length} chunks over T = 48 steps, ${cut} (chunk, step) gradients cut`), summary);
  assert.match(summary, new RegExp(`cosine ${num(r.cosine)}, norm ratio ${num(r.normRatio)}`), "cosine and norm ratio equal Node's");
  // tl.report.heatmap: one cell per (chunk, step); cut cells hatched; cut and not-reached cells grey (no value)
  const cells = r.rows.flatMap((row) => row.cells);
  const grid = page.locator("#cut-grid");
  assert.equal(await grid.locator("g.cells rect.cell").count(), cells.length, "one cell per chunk and time step");
  assert.equal(await grid.locator("g.hatched rect").count(), cut, "every cut gradient is hatched");
  const fills = await grid.locator("g.cells rect.cell").evaluateAll((rs) => rs.map((x) => x.getAttribute("fill")));
  const grey = fills.filter((f) => f === "rgb(217,217,217)").length;
  assert.equal(grey, cells.filter((c) => c.kind !== "norm").length, "cut and not-reached cells carry no colour");
  assert.match(await grid.innerText(), /not reached[\s\S]*cut \(state detached\)/, "the key names both kinds of grey cell");
  // the first chunk's norms, from the cells' tooltips, are Node's
  const first = r.rows[0]!.cells.flatMap((c, t) => (c.kind === "norm" ? [[t, c.norm] as const] : []));
  const shown = await heatmapRow(page, "#cut-grid g.cells rect.cell title", 0);
  for (const [t, norm] of first)
    assert.ok(Math.abs(shown[t]! - norm) <= 1e-3 * norm, `chunk 1, t = ${t + 1}: ${shown[t]} on the page, ${norm} in Node`);
  return `k = 6: ${cut} cut cells hatched, ${grey - cut} not reached, chunk 1's norms and the cosine ${num(r.cosine)} as in Node`;
}

async function gatesPage(page: Page): Promise<string> {
  const mse = async (): Promise<number> => parse(/MSE ([\d.e−-]+)/.exec(await text(page, "#train-status"))![1]!);
  await waitText(page, "#train-status", /epoch 150 of 150.*\(done\)/, 120_000);
  const lstm = await mse();
  assert.ok(lstm < 0.1, `LSTM: MSE ${lstm} after 150 epochs (bound 0.1)`);
  assert.match(await text(page, "#gate-step"), /C = .*H = /, "the LSTM step equation");
  await page.locator("#kind").focus();
  await page.keyboard.press("ArrowDown"); // GRU
  await waitText(page, "#train-status", /^GRU.*epoch 150 of 150.*\(done\)/, 120_000);
  const gru = await mse();
  assert.ok(gru < 0.1, `GRU: MSE ${gru} after 150 epochs (bound 0.1)`);
  assert.match(await text(page, "#gate-step"), /H = \(1 − /, "the GRU step equation");
  return `MSE after 150 epochs: LSTM ${lstm}, GRU ${gru} (bound 0.1)`;
}

async function pandasPage(page: Page): Promise<string> {
  const texts = Object.fromEntries(VERB_DATA.map((k) => [k, dataText(`${k}.csv`)])) as VerbTexts;
  const rows = Number(await page.locator("#rows").inputValue());
  for (const v of VERBS) {
    await press(page, `verb-${v.verb}`);
    await waitText(
      page,
      "#code",
      new RegExp(
        v.code
          .split("\n")[0]!
          .slice(0, 20)
          .replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      ),
      10_000,
    );
    const shown = await page.locator("#result-table").innerHTML();
    assert.equal(shown, v.run(texts).head(rows).toHtml(), `${v.verb}: the result table equals Node's`);
  }
  const own = "city,temp\nA,10\nB,20\nA,30\nB,40\n";
  await page.locator("#csv-file").setInputFiles({ name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(own) });
  await page.locator("#verb-groupby").click();
  const want = ownVerbs(own)
    .find((x) => x.verb === "groupby")!
    .result.head(rows)
    .toHtml();
  await page.waitForFunction((w) => document.querySelector("#result-table")?.innerHTML === w, want, { timeout: 10_000 });
  // a malformed file: readCsv's error is shown, not thrown
  await page.locator("#csv-file").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2,3\n") });
  await waitText(page, "#error", /readCsv/, 10_000);
  assert.ok(await page.locator("#error").isVisible(), "the error box is shown");
  return `${VERBS.length} verbs' result tables equal Node's; a picked CSV's groupby too; a malformed CSV shows readCsv's error`;
}

/** Checks by page number, merged into labChecks.ts's CHECKS. */
export const SEQ_CHECKS: Record<string, (page: Page) => Promise<string>> = {
  "08": sequencePage,
  "09": unrolledPage,
  "10": bpttPage,
  "11": truncatedPage,
  "12": gatesPage,
  "13": pandasPage,
};
