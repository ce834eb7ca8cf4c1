// Page-specific checks for test/browser/lab.ts, keyed by the page's number: each drives the
// page's controls by keyboard and compares what the page shows with what the page's computation
// module gives here in Node (the same tensorloom code, run outside the browser).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { slidingKernel, type SlidingKernelSetup } from "../../lab/pages/01-sliding-kernel/slidingKernel.js";
import { crossPage } from "../../lab/pages/02-cross-correlation/crossCorrelation.js";
import { convDimensions } from "../../lab/pages/03-conv-dimensions/convDimensions.js";
import { multiChannel } from "../../lab/pages/04-channels/channels.js";
import { backpropPage } from "../../lab/pages/05-conv-backprop/convBackprop.js";
import { poolingPage } from "../../lab/pages/06-pooling/pooling.js";
import type { KernelName } from "../../lab/shared/samples.js";
import { num } from "../../lab/shared/format.js";
import { choose, parse, press, setSlider, text } from "./labDrive.js";
import { SEQ_CHECKS } from "./labSeqChecks.js";

const numberOf = async (page: Page, id: string): Promise<number> => Number(await page.locator(`#${id}`).inputValue());

async function slidingKernelPage(page: Page): Promise<string> {
  const windowCells = (): Promise<string> =>
    page.locator("#input-grid td").evaluateAll((tds) =>
      tds
        .map((td, i) => (td.classList.contains("win") ? i : -1))
        .filter((i) => i >= 0)
        .join(),
    );
  // the first control moved the height; put the default back
  await setSlider(page, "height", 6);
  const before = { window: await windowCells(), sum: await text(page, "#cell-sum") };
  await page.locator("#step").focus();
  await page.keyboard.press("Enter");
  const after = { window: await windowCells(), sum: await text(page, "#cell-sum") };
  assert.notEqual(after.window, before.window, "step moves the highlighted window");
  assert.notEqual(after.sum, before.sum, "step shows the next cell's products");

  // stride 2 on 6 rows with a 3-tap kernel: (6 - 3) / 2 is not whole, so row 5 and column 5 go unread
  const formulaBefore = await text(page, "#formula");
  await setSlider(page, "stride", 2);
  const formula = await text(page, "#formula");
  assert.notEqual(formula, formulaBefore, "the stride changes the formula's numbers");
  const setup: SlidingKernelSetup = {
    height: await numberOf(page, "height"),
    width: await numberOf(page, "width"),
    kernelSize: await numberOf(page, "kernel-size"),
    kernel: (await page.locator("#kernel").inputValue()) as KernelName,
    stride: await numberOf(page, "stride"),
    padding: await numberOf(page, "padding"),
    dilation: await numberOf(page, "dilation"),
    seed: 1,
  };
  const node = slidingKernel(setup);
  assert.equal(formula, `${node.rows.text}\n${node.cols.text}`, "the formula equals Node's");
  assert.ok(node.rows.unused.length > 0 && node.cols.unused.length > 0, "the setup leaves rows unread");
  assert.ok((await page.locator("#input-grid td.unused").count()) > 0, "unread input cells are marked");
  assert.match(await text(page, "#unused"), /never read/);
  // play to the end, then every output cell the page printed equals F.conv2d's in Node
  await page.locator("#play").click();
  await page.waitForFunction(() => document.querySelector("#play")!.textContent!.includes("play"), undefined, { timeout: 20_000 });
  const shown = await page
    .locator("#output-grid tr")
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!)));
  assert.deepEqual(
    shown.map((r) => r.map(parse)),
    node.output,
    "the output grid equals F.conv2d in Node",
  );
  const last = node.cells.at(-1)!;
  assert.match(await text(page, "#cell-sum"), new RegExp(`= ${num(last.sum)}\\n`), "the last cell's sum of products");
  // a kernel larger than the padded input: the library's message in the page, nothing thrown
  await setSlider(page, "padding", 0);
  await setSlider(page, "height", 3);
  await setSlider(page, "kernel-size", 5);
  assert.match(await text(page, "#error"), /^convOutputSize: the output would be -?\d+ < 1/);
  await setSlider(page, "kernel-size", 3);
  assert.equal(await page.locator("#error").isHidden(), true, "the error clears once the kernel fits");
  return `step moved the window; a 5-wide kernel on 3 rows shows convOutputSize's error; stride 2 formula "${node.rows.text}" and ${node.output.flat().length} output cells equal Node's`;
}

/** A grid table's numbers as the page prints them. */
const gridValues = (page: Page, selector: string): Promise<number[][]> =>
  page
    .locator(`${selector} tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => Number(td.textContent!.replace("−", "-")))));

async function crossCorrelationPage(page: Page): Promise<string> {
  await choose(page, "kernel", "edge");
  await press(page, "step");
  const r = crossPage(await numberOf(page, "size"), "edge", await numberOf(page, "kernel-size"));
  const [left, right] = [await text(page, "#correlation .formula"), await text(page, "#convolution .formula")];
  assert.ok(left.includes(`= ${num(r.correlation.cells[1]!.sum)}\n`), `the correlation's second cell: ${left}`);
  assert.ok(right.includes(`= ${num(r.convolution.cells[1]!.sum)}\n`), `the convolution's second cell: ${right}`);
  assert.match(await text(page, "#agree"), /outputs differ/);
  await choose(page, "kernel", "blur");
  assert.match(await text(page, "#agree"), /the same/);
  return `edge kernel: cell 1 is ${num(r.correlation.cells[1]!.sum)} correlated and ${num(r.convolution.cells[1]!.sum)} convolved, as in Node; the box blur gives the same both ways`;
}

async function convDimensionsPage(page: Page): Promise<string> {
  await choose(page, "dims", "3");
  await press(page, "step");
  const r = convDimensions(3, await numberOf(page, "size"), await numberOf(page, "kernel-size"), await numberOf(page, "stride"));
  assert.equal(await text(page, "#call"), r.call);
  assert.equal(await text(page, "#formula"), r.axes.map((a) => a.text).join("\n"));
  const cell = r.cells[1]!;
  assert.ok(
    (await text(page, "#cell-sum")).startsWith(`Y[${cell.index.slice(2).join(", ")}] = `) &&
      (await text(page, "#cell-sum")).includes(`= ${num(cell.sum)}`),
    "the second 3-D cell",
  );
  // the window: one marked input cell per tap, spread over the depth slices it reads, and the same cells as Node's taps
  const marked = await page
    .locator("#tensors .panel")
    .first()
    .locator("table")
    .evaluateAll((tables) =>
      tables.flatMap((t, z) =>
        [...t.querySelectorAll("tr")].flatMap((tr, i) =>
          [...tr.querySelectorAll("td")].flatMap((td, j) => (td.classList.contains("win") ? [`${z},${i},${j}`] : [])),
        ),
      ),
    );
  assert.deepEqual(marked.sort(), cell.taps.map((t) => t.input.slice(2).join()).sort(), "the highlighted 3-D window is the cell's taps");
  return `3-D: output ${r.axes.map((a) => a.out).join(" × ")}, the call, the formulas and cell 1 (${num(cell.sum)}) equal Node's`;
}

async function channelsPage(page: Page): Promise<string> {
  await setSlider(page, "kernels", 3);
  await press(page, "step");
  const r = multiChannel({
    channels: await numberOf(page, "channels"),
    kernels: 3,
    size: await numberOf(page, "size"),
    kernelSize: await numberOf(page, "kernel-size"),
    seed: 5,
  });
  const cell = r.cells[1]!;
  assert.ok((await text(page, "#shapes")).includes(`[${r.shapes.output.join(", ")}]`), "the output shape");
  assert.ok(
    (await text(page, "#cell-sum")).includes(`F.conv2d computes Y[${cell.index.join(", ")}] = ${num(cell.value)}`),
    "the second cell's value",
  );
  return `O_c = 3: output [${r.shapes.output.join(", ")}], cell [${cell.index.join(", ")}] = ${num(cell.value)} as in Node`;
}

async function convBackpropPage(page: Page): Promise<string> {
  await choose(page, "dy", "random");
  await setSlider(page, "kernel-size", 3);
  await setSlider(page, "padding", 1);
  const r = backpropPage(await numberOf(page, "size"), 3, 1, "random");
  assert.deepEqual(await gridValues(page, "#dx-grid"), r.dx, "dX on the page equals Node's autograd");
  assert.deepEqual(await gridValues(page, "#dw-grid"), r.dw, "dW on the page equals Node's autograd");
  const check = await text(page, "#dw-check");
  assert.ok(
    check.startsWith(`dW[0, 0] = `) && check.includes(`= ${num(r.dwCells[0]!.sum)}   (autograd: ${num(r.dw[0]![0]!)})`),
    `dW[0, 0] written out: ${check}`,
  );
  assert.ok(check.endsWith("largest |difference|: dX 0, dW 0"), check);
  return `random dY, k = 3, P = 1: dX and dW equal Node's and the convolutions agree exactly`;
}

async function poolingPage6(page: Page): Promise<string> {
  await choose(page, "mode", "avg");
  await setSlider(page, "stride", 1);
  await setSlider(page, "kernel-size", 3);
  const r = poolingPage(await numberOf(page, "size"), { mode: "avg", kernelSize: 3, stride: 1, padding: await numberOf(page, "padding") });
  assert.deepEqual(
    await gridValues(page, "#output-grid"),
    r.output.map((row) => row.map((v) => parse(num(v)))),
    "the pooled output",
  );
  assert.deepEqual(
    await gridValues(page, "#dx-grid"),
    r.dx.map((row) => row.map((v) => parse(num(v)))),
    "dX with overlapping windows",
  );
  await choose(page, "mode", "max");
  return `average pooling 3 × 3, stride 1 (overlapping windows): Y and dX equal Node's`;
}

/** Accuracy the digits page must reach with its default 8 epochs on the shipped digits (it reaches about 0.97). */
export const DIGITS_MIN_ACCURACY = 0.93;

async function digitsPage(page: Page): Promise<string> {
  const clearMarks = (): Promise<void> =>
    page.evaluate(() => {
      delete document.querySelector<HTMLElement>("#status")!.dataset.fps;
      delete document.querySelector<HTMLElement>("#accuracy")!.dataset.accuracy;
    });
  // the learner's own CSV: a bad one is refused with the CLI's message, a 4 × 4 one trains
  const file = (name: string, csv: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.locator("#csv-file").setInputFiles(file("bad.csv", "a,b,c,label\n1,2,3,0\n4,5,6,1\n7,8,9,0\n"));
  await page.waitForFunction(() => !document.querySelector<HTMLElement>("#error")!.hidden);
  assert.match(await text(page, "#error"), /do not form a square image/);
  const header = [...Array.from({ length: 16 }, (_, i) => `p${i}`), "label"].join(",");
  // class 1 lights the left half, class 0 the right half
  const rows = Array.from({ length: 40 }, (_, r) =>
    [...Array.from({ length: 16 }, (_, i) => (i % 4 < 2 === (r % 2 === 1) ? 9 : r % 3)), r % 2].join(","),
  );
  await page.locator("#csv-file").setInputFiles(file("halves.csv", [header, ...rows].join("\n") + "\n"));
  await page.waitForFunction(() =>
    /^40 images of 4 × 4 pixels, 2 classes, from halves\.csv/.test(document.querySelector("#status")!.textContent!),
  );
  await setSlider(page, "epochs", 3);
  await press(page, "train");
  await page
    .waitForSelector("#accuracy[data-accuracy]", { timeout: 120_000 })
    .catch(async () =>
      assert.fail(
        `the 4 × 4 CSV did not train: status "${await text(page, "#status")}", error "${await page.locator("#error").textContent()}"`,
      ),
    );
  assert.match(await text(page, "#accuracy"), /on 8 held-out images of halves\.csv/);
  await page.waitForSelector("#status[data-fps]", { timeout: 30_000 });
  await clearMarks();

  // back to the digits, as a file; stop: 20 epochs asked, stopped after the first epoch's report
  await page.locator("#csv-file").setInputFiles("data/digits.csv");
  await page.waitForFunction(() => /^1797 images of 8 × 8 pixels, 10 classes/.test(document.querySelector("#status")!.textContent!));
  await setSlider(page, "epochs", 20);
  await press(page, "train");
  await page.waitForFunction(() => /^epoch 1 of 20/.test(document.querySelector("#status")!.textContent!), undefined, { timeout: 120_000 });
  await press(page, "stop");
  await page.waitForSelector("#status[data-fps]", { timeout: 120_000 });
  const stoppedAt = Number(/^epoch (\d+) of 20/.exec(await text(page, "#status"))![1]);
  assert.ok(stoppedAt <= 3, `stop after epoch 1 ended training at epoch ${stoppedAt} of 20`);
  await clearMarks();

  await setSlider(page, "epochs", 8);
  await press(page, "train");
  await page.waitForSelector("#accuracy[data-accuracy]", { timeout: 300_000 });
  await page.waitForSelector("#status[data-fps]", { timeout: 30_000 });
  const accuracy = Number(await page.locator("#accuracy").getAttribute("data-accuracy"));
  const fps = Number(await page.locator("#status").getAttribute("data-fps"));
  assert.ok(accuracy >= DIGITS_MIN_ACCURACY, `test accuracy ${accuracy} after 8 epochs, expected >= ${DIGITS_MIN_ACCURACY}`);
  // the trained model reads digits drawn on the pad from the data set
  let right = 0;
  const wrong: string[] = [];
  for (let i = 0; i < 20; i++) {
    await page.locator("#sample").click();
    const [predicted, label] = [
      await page.locator("#prediction").getAttribute("data-predicted"),
      await page.locator("#pad").getAttribute("data-label"),
    ];
    if (predicted === label) right++;
    else wrong.push(`image ${await page.locator("#pad").getAttribute("data-index")}: ${label} read as ${predicted}`);
  }
  assert.ok(right >= 17, `${right} of 20 digits loaded on the pad predicted right (${wrong.join("; ")})`);
  // the keyboard: clear, then ink a vertical stroke with the arrow keys and space
  await page.locator("#clear").click();
  await page.locator("#pad").focus();
  for (const key of ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown"]) await page.keyboard.press(key);
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowDown");
  }
  const inked = await page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>("#pad")!.getContext("2d")!;
    return Array.from({ length: 8 }, (_, r) => (c.getImageData(3 * 20 + 10, r * 20 + 10, 1, 1).data[0]! > 127 ? 1 : 0)).join("");
  });
  assert.equal(inked, "01111110", "space inked column 3, rows 1 to 6");
  const keyboardDigit = await page.locator("#prediction").getAttribute("data-predicted");
  assert.equal(await page.locator("#filters svg").count(), 1, "the filters are drawn");
  assert.equal(await page.locator("#confusion svg").count(), 1, "the confusion matrix is drawn");
  return `a non-square CSV is refused and a 4 × 4 CSV trains; stop ended a 20-epoch run at epoch ${stoppedAt}; trained 8 epochs in the worker: test accuracy ${accuracy.toFixed(3)} (>= ${DIGITS_MIN_ACCURACY}), ${right}/20 pad digits right${wrong.length ? ` (${wrong.join("; ")})` : ""}, a stroke drawn by keyboard read as ${keyboardDigit}, page drew ${fps.toFixed(0)} frames/s while training`;
}

/** Checks by page number (the NN of lab/pages/NN-slug). */
export const CHECKS: Record<string, (page: Page) => Promise<string>> = {
  "01": slidingKernelPage,
  "02": crossCorrelationPage,
  "03": convDimensionsPage,
  "04": channelsPage,
  "05": convBackpropPage,
  "06": poolingPage6,
  "07": digitsPage,
  ...SEQ_CHECKS,
};
