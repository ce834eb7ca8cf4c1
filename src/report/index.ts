// Reports people look at rather than read: SVG charts and an HTML report. Browser-safe (strings, no file IO).
export { lineChart, type Series, type LineChartOptions } from "./lineChart.js";
export { heatmap, imageGrid, type HeatmapOptions } from "./heatmap.js";
export { htmlReport, type ReportSection } from "./html.js";
