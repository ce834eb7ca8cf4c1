// Reports people look at rather than read: SVG charts, an HTML report, and the same charts as live
// views in a page. Browser-safe: strings only; the DOM is touched only by a mounted view.
//
// Usage. Every chart is a pure function from data to an SVG string (report.html, Node tests), and a
// live view that mounts it in an element and redraws at most once per animation frame:
//
//   lineChart(series, { title, logY })              lineChartView(el, opts)       .append({ "train loss": 0.3 }, epoch) / .update(series)
//   heatmap(matrix, { title, scale: "log" })        heatmapView(el, opts)         .appendColumn(normsPerTimeStep) / .appendRow / .update(matrix)
//   confusionMatrixChart(counts, { title, labels }) confusionMatrixView(el, opts)  .update(counts) / .add(trueClass, predicted) / .reset()
//   imageGrid(images, { title, scaling, colormap }) imageGridView(el, opts)       .update(images, captions?)
//   gatesTimeline(gatesFromSteps(steps), { title }) gatesTimelineView(el, opts)   lstm.forward(x, null, { onStep: view.onStep }) / .update(timeline)
//   htmlReport(title, summary, sections)            (a whole self-contained page of figures)
//
// Every view also has flush() (draw now), destroy() and renders (draw count). Bad input throws at
// the call that passes it (never later, inside a frame). NaN cells are drawn grey (missingLabel says
// what grey means); heatmap's `hatched` mask (appendColumn(norms, hatched)) marks a second kind,
// e.g. steps cut by truncated BPTT (hatchLabel: "cut") beside steps no loss reached (missingLabel).
// Labels of a growing heatmap: functions of the index, colLabels: (j) => String(j + 1).
export { lineChart, seriesColor, type Series, type LineChartOptions } from "./lineChart.js";
export { heatmap, type HeatmapOptions, type Labels, type Matrix } from "./heatmap.js";
export { imageGrid, type ImageGridOptions } from "./imageGrid.js";
export { confusionMatrixChart, rowNormalize, type ConfusionMatrixOptions } from "./confusionMatrix.js";
export {
  gatesTimeline,
  gatesFromSteps,
  GATE_NAMES,
  type GateTimeline,
  type GatesTimelineOptions,
  type GateStepFilter,
} from "./gatesTimeline.js";
export { colorAt, colorScale, scaleColor, MISSING_COLOR, type Colormap, type ColorScale, type ColorScaleOptions } from "./color.js";
export {
  lineChartView,
  heatmapView,
  confusionMatrixView,
  imageGridView,
  gatesTimelineView,
  type ViewTarget,
  type LiveView,
  type LineChartView,
  type LineChartViewOptions,
  type HeatmapView,
  type ConfusionMatrixView,
  type ImageGridView,
  type GatesTimelineView,
} from "./views.js";
export { htmlReport, type ReportSection } from "./html.js";
