// What every chart in src/report shares: escaping, the responsive <svg> opening tag, round axis
// ticks (linear and log10) and tick labels. Strings only: no DOM, so Node and browsers run it.

/** Text for SVG/HTML content and attributes. */
export const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/**
 * The opening tag and white background of a chart drawn at W x H: shown at most that size and
 * scaled down to fit narrower screens (viewBox + max-width), so one string suits report.html and a page.
 */
export function svgOpen(W: number, H: number, fontSize = 12): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="max-width:100%;height:auto" font-family="sans-serif" font-size="${fontSize}">\n<rect width="${W}" height="${H}" fill="white"/>`;
}

/** A bold title centred at x. */
export const svgTitle = (text: string, x: number, y = 18): string =>
  `<text x="${x}" y="${y}" text-anchor="middle" font-size="13" font-weight="bold">${esc(text)}</text>`;

/** A chart with nothing to draw yet (a live view before its first data): its title and a line saying so. */
export function emptyChart(title: string, W: number, H: number, message = "no data yet"): string {
  return [
    svgOpen(W, H),
    svgTitle(title, W / 2),
    `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888">${esc(message)}</text>`,
    "</svg>",
  ].join("\n");
}

/** About `n` round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks for a log10 axis, in log units (lo, hi are log10 values): the powers of ten, plus 2x and 5x when there are few. */
export function logTicks(lo: number, hi: number): number[] {
  const at = (mults: number[]): number[] => {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of mults) out.push(e + Math.log10(m));
    return out.filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
  };
  const powers = at([1]);
  if (powers.length >= 3) return powers;
  const few = at([1, 2, 5]);
  // less than a decade between 1-2-5 steps: round values on a linear scale, placed on the log axis
  return few.length >= 2
    ? few
    : ticks(10 ** lo, 10 ** hi, 4)
        .filter((v) => v > 0)
        .map(Math.log10);
}

/** A tick label: 4 significant digits, exponent notation for very large or small magnitudes. */
export const tickLabel = (v: number): string =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(4)));
