// Reports people look at rather than read: SVG charts. Browser-safe (strings, no file IO).
export { lineChart, type Series, type LineChartOptions } from "./lineChart.js";
