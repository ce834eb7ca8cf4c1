// Page 7: a digits CNN trained in a Web Worker (train.worker.ts runs digits.ts's trainForPage
// through tl.train.trainInWorker); the page loads each epoch's weights to predict the drawn
// digit and show the filters and feature maps with tl.report's live views.
import * as tl from "../../../src/index.js";
import { DigitsCnn } from "../../../src/cli/digits.js";
import { type DigitsConfig, type DigitsReport, labelColumn, modelFrom, predict, readDigits } from "./digits.js";
import { num } from "../../shared/format.js";
import { button, byId, el, guarded, range, startPage } from "../../shared/ui.js";
import { csvInput, fetchData } from "../../shared/seqPage.js";

const $ = byId;
const pad = $("pad") as HTMLCanvasElement;
const ink = pad.getContext("2d", { willReadFrequently: true })!;
const errorBox = $("error");

let csv = "";
let source = "the shipped digits (data/digits.csv)";
let images: ReturnType<typeof readDigits> | undefined;
let model: DigitsCnn | undefined;
let job: tl.train.TrainingJob<DigitsReport> | undefined;

const loss = tl.report.lineChartView($("loss"), {
  title: "loss",
  xLabel: "epoch",
  width: 360,
  height: 220,
  legend: "bottom",
  series: [{ name: "train (per batch)" }, { name: "test (per epoch)", dash: "5 3" }],
});
const filters = tl.report.imageGridView($("filters"), {
  title: "conv1's 16 filters (3 × 3)",
  pixel: 12,
  perRow: 8,
  colormap: "diverging",
  scaling: "shared",
});
const maps = tl.report.imageGridView($("maps"), { title: "their feature maps on your digit (relu(conv1))", pixel: 5, perRow: 8 });
// no fixed labels: a dropped CSV may have any number of classes, and update() sizes the matrix
const confusion = tl.report.confusionMatrixView($("confusion"), { title: "test images: true (rows) vs predicted" });

const controls = $("controls");
const epochs = range(controls, { label: "epochs", min: 1, max: 20, value: 8, id: "epochs", onInput: () => undefined });
const trainButton = button(controls, "▶ train", () => void train(), "train");
const stopButton = button(controls, "■ stop", () => job?.cancel(), "stop");
stopButton.disabled = true;

function showError(e: unknown): void {
  errorBox.textContent = e instanceof Error ? e.message : String(e);
  errorBox.hidden = false;
}

/** The drawing as the model sees it: [1, side, side] in [0, 1] (tl.fromPixels, red channel). */
function drawnImage(side: number): tl.Tensor {
  return tl.fromPixels(pad, { channels: 1, size: side });
}

/** Predicts the drawing with the latest weights and redraws the bars and feature maps. */
function refresh(): void {
  if (!model) return;
  const p = predict(model, drawnImage(model.side));
  const bars = $("prediction");
  bars.replaceChildren(
    ...p.probabilities.flatMap((v, k) => [
      el("span", k === p.predicted ? { class: "top" } : {}, String(k)),
      el("div", { class: "bar", style: `width:${(100 * v).toFixed(1)}%` }),
      el("span", k === p.predicted ? { class: "top" } : {}, `${(100 * v).toFixed(1)}%`),
    ]),
  );
  bars.dataset.predicted = String(p.predicted);
  filters.update(
    p.filters,
    p.filters.map((_, k) => `#${k}`),
  );
  maps.update(
    p.featureMaps,
    p.featureMaps.map((_, k) => `#${k}`),
  );
}

/** Counts animation frames while training runs: the page's own proof that it did not freeze. */
function frameCounter(): () => number {
  let frames = 0,
    on = true;
  const t0 = performance.now();
  const tick = (): void => {
    frames++;
    if (on) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    on = false;
    return frames / ((performance.now() - t0) / 1000);
  };
}

async function train(): Promise<void> {
  errorBox.hidden = true;
  trainButton.disabled = true;
  stopButton.disabled = false;
  loss.update([
    { name: "train (per batch)", y: [], x: [] },
    { name: "test (per epoch)", y: [], x: [], dash: "5 3" },
  ]);
  confusion.reset();
  const total = epochs.value;
  // the worker's kernels get every core but one, which stays with the page so it keeps drawing
  const threads = crossOriginIsolated ? Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)) : 1;
  const config: DigitsConfig = { csv, label: labelColumn(csv), epochs: total, seed: 1, threads };
  const fps = frameCounter();
  let side = 8,
    classes = 10;
  job = tl.train.trainInWorker<DigitsConfig, DigitsReport>(new URL("./train.worker.js", import.meta.url), config);
  job.onProgress((e) => {
    if (e.type === "batch") loss.append({ "train (per batch)": e.loss }, e.epoch - 1 + e.batch / e.batches);
    else if (e.type === "report") {
      const r = e.data;
      if (r.kind === "setup") ({ side, classes } = r);
      else if (r.kind === "epoch") {
        loss.append({ "test (per epoch)": r.valLoss }, r.epoch);
        model = modelFrom(r.state, side, classes);
        refresh();
        $("status").textContent =
          `epoch ${r.epoch} of ${total}: training loss ${num(r.trainLoss)}, test loss ${num(r.valLoss)}, test accuracy ${(100 * r.accuracy).toFixed(1)}%`;
      } else {
        confusion.update(r.confusion);
        const accuracy = $("accuracy");
        accuracy.textContent = `Test accuracy after training: ${(100 * r.testAccuracy).toFixed(1)}% on ${r.confusion.flat().reduce((a, b) => a + b, 0)} held-out images of ${source}.`;
        accuracy.dataset.accuracy = String(r.testAccuracy);
      }
    }
  });
  try {
    await job.result;
    const rate = fps();
    $("status").textContent += `. The page drew ${rate.toFixed(0)} frames/s while the worker trained.`;
    $("status").dataset.fps = String(rate);
  } catch (e) {
    fps();
    showError(e);
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
    job = undefined;
  }
}

// ------------------------------------------------------------ drawing pad

function clearPad(): void {
  ink.fillStyle = "black";
  ink.fillRect(0, 0, pad.width, pad.height);
  refresh();
}

let samplesShown = 0;

/** Draws the next image of the data set on the pad (a fixed stride through it), scaled up without smoothing (tl.toPixels on a small canvas). */
function loadSample(): void {
  if (!images) return;
  const n = images.x.shape[0]!;
  // 379 is prime to 1797: every image comes up once before any repeats, in an order that mixes the classes
  const k = (samplesShown++ * 379) % n;
  const small = document.createElement("canvas");
  tl.toPixels(images.x.select(0, k), small);
  ink.imageSmoothingEnabled = false;
  ink.drawImage(small, 0, 0, pad.width, pad.height);
  pad.dataset.label = String(images.y.storage[k]);
  pad.dataset.index = String(k);
  refresh();
}

let last: { x: number; y: number } | null = null;
const at = (e: PointerEvent): { x: number; y: number } => {
  const r = pad.getBoundingClientRect();
  return { x: ((e.clientX - r.left) / r.width) * pad.width, y: ((e.clientY - r.top) / r.height) * pad.height };
};
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = at(e);
});
pad.addEventListener("pointermove", (e) => {
  if (!last) return;
  const p = at(e);
  ink.strokeStyle = "white";
  ink.lineWidth = 16;
  ink.lineCap = "round";
  ink.beginPath();
  ink.moveTo(last.x, last.y);
  ink.lineTo(p.x, p.y);
  ink.stroke();
  last = p;
  refresh();
});
pad.addEventListener("pointerup", () => {
  last = null;
});
// the keyboard way to draw: a cursor over the model's pixel grid; space inks or clears its pixel
const cursor = { row: 0, col: 0 };
const padCursor = $("pad-cursor");
function placeCursor(): void {
  const cell = pad.clientWidth / (images?.side ?? 8);
  Object.assign(padCursor.style, {
    left: `${cursor.col * cell}px`,
    top: `${cursor.row * cell}px`,
    width: `${cell}px`,
    height: `${cell}px`,
  });
}
pad.addEventListener("keydown", (e) => {
  const side = images?.side ?? 8;
  const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  const move = moves[e.key];
  if (move) {
    cursor.row = Math.min(side - 1, Math.max(0, cursor.row + move[0]));
    cursor.col = Math.min(side - 1, Math.max(0, cursor.col + move[1]));
  } else if (e.key === " " || e.key === "Enter") {
    const cell = pad.width / side;
    const lit = ink.getImageData(Math.floor((cursor.col + 0.5) * cell), Math.floor((cursor.row + 0.5) * cell), 1, 1).data[0]! > 127;
    ink.fillStyle = lit ? "black" : "white";
    ink.fillRect(cursor.col * cell, cursor.row * cell, cell, cell);
    refresh();
  } else return;
  e.preventDefault();
  placeCursor();
});
pad.addEventListener("focus", placeCursor);
const padControls = $("pad-controls");
button(padControls, "clear", clearPad, "clear");
button(padControls, "a digit from the data", loadSample, "sample");

// ------------------------------------------------------------ data: the shipped digits or the learner's CSV

/** Reads a digits CSV (inside guarded: the CLI's refusals show in the error box). */
function useCsv(text: string, name: string): void {
  const parsed = readDigits(text);
  csv = text;
  images = parsed;
  source = name;
  model = undefined;
  $("status").textContent =
    `${parsed.x.shape[0]} images of ${parsed.side} × ${parsed.side} pixels, ${parsed.classes} classes, from ${name}. Press "train".`;
}
csvInput($("data"), errorBox, (name, text) => useCsv(text, name));

await startPage(async () => {
  clearPad();
  const shipped = await fetchData("digits.csv");
  guarded(errorBox, () => useCsv(shipped, "the shipped digits (data/digits.csv)"));
  // untrained weights until the first epoch lands: the filters are the random init
  if (images) model = new DigitsCnn(images.side, images.classes).eval();
  loadSample();
});
