// The page side of the live-views check in `npm run test:browser` (bundled by esbuild, run in
// headless Chromium): mounts every tl.report view in a <div>, feeds it over several animation
// frames as training would, and reports what the DOM shows. test/browser/viewsCheck.ts asserts.
import * as tl from "../../src/index.js";

const FRAMES = 8;

/** What the DOM of one mounted view shows after the run. */
export interface ViewDom {
  /** Redraws the view made, and the frames during which data arrived. */
  renders: number;
  frames: number;
  /** The innerHTML equals the pure chart function's SVG of the same data. */
  sameAsPure: boolean;
  /** The <svg> was parsed and laid out (its box has a size). */
  width: number;
  cells: number;
  paths: number;
  /** Point counts of each <path> (line chart). */
  pathPoints: number[];
  texts: string[];
}

/** What the page reports (or { error }). */
export interface ViewsReport {
  line: ViewDom;
  heatmap: ViewDom & { hatched: number };
  confusion: ViewDom;
  images: ViewDom;
  gates: ViewDom & { gateCells: Record<string, number> };
  /** Renders of a line view given 100 appends within one frame. */
  burstRenders: number;
  /** Milliseconds of one redraw (SVG string + innerHTML + layout) of large views: printed, not asserted. */
  redrawMs: Record<string, number>;
}

const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

function mount(id: string): HTMLDivElement {
  const el = document.createElement("div");
  el.id = id;
  document.body.append(el);
  return el;
}

function dom(el: HTMLElement, view: tl.report.LiveView, frames: number, pure: string): ViewDom {
  const svg = el.querySelector("svg");
  return {
    renders: view.renders,
    frames,
    sameAsPure: el.innerHTML === new DOMParser().parseFromString(`<div>${pure}</div>`, "text/html").body.firstElementChild!.innerHTML,
    width: svg?.getBoundingClientRect().width ?? 0,
    cells: el.querySelectorAll("rect.cell").length,
    paths: el.querySelectorAll("path").length,
    pathPoints: [...el.querySelectorAll("path")].map((p) => (p.getAttribute("d") ?? "").split(/[ML]/).filter(Boolean).length),
    texts: [...el.querySelectorAll("text")].map((t) => t.textContent ?? ""),
  };
}

async function run(): Promise<ViewsReport> {
  tl.manualSeed(0);
  const r = tl.report;
  const lineEl = mount("line"),
    heatEl = mount("heatmap"),
    cmEl = mount("confusion"),
    imgEl = mount("images"),
    gateEl = mount("gates");
  const lineOpts = { title: "loss", logY: true, xLabel: "epoch" };
  const line = r.lineChartView(lineEl, lineOpts);
  const heatOpts = {
    title: "||dL/dH_t||",
    scale: "log" as const,
    xLabel: "training step",
    yLabel: "t",
    hatchLabel: "cut",
    colLabels: (j: number) => String(j + 1),
  };
  const heat = r.heatmapView(heatEl, heatOpts);
  const cmOpts = { title: "confusion", labels: ["a", "b", "c"] };
  const cm = r.confusionMatrixView(cmEl, cmOpts);
  const imgOpts = { title: "filters", scaling: "shared" as const, colormap: "diverging" as const };
  const images = r.imageGridView(imgEl, imgOpts);
  const gates = r.gatesTimelineView(gateEl, { title: "LSTM gates" });
  const lstm = new tl.nn.LSTM(1, 3);
  const conv = new tl.nn.Conv2d(1, 4, 3);

  // one "training step" per frame: a loss point, a column of norms, a few predictions, new filters, a forward
  for (let step = 1; step <= FRAMES; step++) {
    line.append({ train: 1 / step, val: 1.5 / step }, step);
    // from step 5 on, step t = 0 is cut (truncated BPTT): NaN, hatched
    heat.appendColumn(
      Array.from({ length: 5 }, (_, t) => (t === 0 && step >= 5 ? NaN : 10 ** (t - 4) * step)),
      Array.from({ length: 5 }, (_, t) => t === 0 && step >= 5),
    );
    cm.add(step % 3, (step * 2) % 3);
    images.update(Array.from({ length: 4 }, (_, k) => conv.weight.select(0, k).select(0, 0).mul(step).toArray() as number[][]));
    lstm.forward(tl.randn([6, 1, 1]), null, { onStep: gates.onStep });
    await frame();
  }
  await frame();
  const burst = r.lineChartView(mount("burst"), { title: "burst" });
  await frame();
  const before = burst.renders;
  for (let k = 0; k < 100; k++) burst.append({ a: k + 1 });
  await frame();
  await frame();

  const redrawMs = await timeRedraws();
  const lineSeries = line.series();
  const tlData = gates.timeline()!;
  const gatesDom = dom(gateEl, gates, FRAMES, r.gatesTimeline(tlData, { title: "LSTM gates" }));
  return {
    line: dom(lineEl, line, FRAMES, r.lineChart(lineSeries, lineOpts)),
    heatmap: {
      ...dom(
        heatEl,
        heat,
        FRAMES,
        r.heatmap(heat.values(), { ...heatOpts, hatched: heat.values().map((row, t) => row.map((_, j) => t === 0 && j >= 4)) }),
      ),
      hatched: heatEl.querySelectorAll('rect[fill="url(#tensorloom-hatch)"]').length,
    },
    confusion: dom(cmEl, cm, FRAMES, r.confusionMatrixChart(cm.counts(), cmOpts)),
    images: dom(
      imgEl,
      images,
      FRAMES,
      r.imageGrid(
        Array.from({ length: 4 }, (_, k) => conv.weight.select(0, k).select(0, 0).mul(FRAMES).toArray() as number[][]),
        imgOpts,
      ),
    ),
    gates: {
      ...gatesDom,
      gateCells: Object.fromEntries(["i", "f", "g", "o"].map((g) => [g, gateEl.querySelectorAll(`g[data-gate="${g}"] rect.cell`).length])),
    },
    burstRenders: burst.renders - before,
    redrawMs,
  };
}

/** Median time of flush() plus a forced layout for a few large views (5 runs each). */
async function timeRedraws(): Promise<Record<string, number>> {
  const r = tl.report;
  const cases: Record<string, (el: HTMLElement) => tl.report.LiveView> = {
    "heatmap 50 x 500 (one image)": (el) => {
      const v = r.heatmapView(el, { title: "h", scale: "log", width: 600, height: 300 });
      v.update(Array.from({ length: 50 }, (_, t) => Array.from({ length: 500 }, (_, s) => 10 ** (-t / 10) * (1 + s / 100))));
      return v;
    },
    "heatmap 30 x 30 (rects)": (el) => {
      const v = r.heatmapView(el, { title: "h", scale: "log", width: 600, height: 300 });
      v.update(Array.from({ length: 30 }, (_, t) => Array.from({ length: 30 }, (_, s) => 10 ** (-t / 10) * (1 + s / 100))));
      return v;
    },
    "line 2 x 20,000 points": (el) => {
      const v = r.lineChartView(el, { title: "l", logY: true });
      v.update(
        [0, 1].map((k) => ({
          name: `s${k}`,
          y: Array.from({ length: 20_000 }, (_, i) => Math.exp(-i / 5000) * (1 + k + 0.1 * Math.sin(i))),
        })),
      );
      return v;
    },
    "confusion 10 x 10": (el) => {
      const v = r.confusionMatrixView(el, { title: "c" });
      v.update(Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 90 : i + j))));
      return v;
    },
  };
  const out: Record<string, number> = {};
  for (const [name, make] of Object.entries(cases)) {
    const el = mount(`time-${Object.keys(out).length}`);
    const ms: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      make(el).flush();
      el.getBoundingClientRect(); // force layout
      ms.push(performance.now() - t0);
      await frame();
    }
    out[name] = ms.sort((a, b) => a - b)[2]!;
    el.remove();
  }
  return out;
}

(globalThis as unknown as { tensorloomViews: Promise<ViewsReport | { error: string }> }).tensorloomViews = run().catch((e: Error) => ({
  error: `${e.name}: ${e.message}\n${e.stack}`,
}));
