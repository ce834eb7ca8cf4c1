// Number formatting shared by the pages and their computation modules (no DOM, so Node tests
// import it).

/** Up to 4 significant digits, no trailing zeros, a true minus sign: what a formula on a page shows. */
export function num(v: number): string {
  if (Object.is(v, -0)) v = 0;
  const s = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  return s.replace("-", "−");
}

/** A number in parentheses when negative, so "2·(−1)" reads as a product. */
export const term = (v: number): string => (v < 0 ? `(${num(v)})` : num(v));
