// Printing tensors the way PyTorch prints them (torch/_tensor_str.py): one formatter chosen from
// all the values (integer mode, fixed 4 decimals, or scientific), aligned columns, 80-char lines,
// and "..." summaries past 1000 elements. Reads storage only.

import type { Tensor } from "./tensor.js";
import { getDefaultDtype } from "./dtype.js";
import { numelOf } from "./shape.js";

/** How tensors print (precision, threshold, edgeitems, linewidth; mutate the fields), as torch.set_printoptions's settings. */
export const printOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 };

/**
 * JS's toFixed/toExponential round an exact tie away from zero; Python's format rounds it to
 * even (0.03125 -> "0.0312"). `rounded` is JS's result and `exact` the same number written with
 * one more digit, which is a tie exactly when it ends in 5 and holds the whole value. The
 * truncation then wins when its last digit is even.
 */
function halfEven(rounded: string, exact: string, isExact: boolean): string {
  if (!isExact || !/5(e|$)/.test(exact)) return rounded;
  const [mantissa, exponent] = exact.split("e") as [string, string | undefined];
  const cut = mantissa.slice(0, -1).replace(/\.$/, "");
  const lastDigit = Number(cut[cut.length - 1]);
  if (lastDigit % 2 !== 0) return rounded;
  return exponent === undefined ? cut : `${cut}e${exponent}`;
}

/** Python's "{:.Ne}": exponent with a sign and at least two digits. */
function sci(v: number, precision: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  // 30 more digits all zero mean the (precision + 2)-digit form is exact: a double that is not
  // a short decimal differs from it long before that
  const longer = v.toExponential(precision + 31);
  const tieExact = /0{30}e/.test(longer);
  const s = halfEven(v.toExponential(precision), v.toExponential(precision + 1), tieExact);
  const [m, e] = s.split("e") as [string, string];
  const sign = e[0] === "-" ? "-" : "+";
  const digits = e.replace(/^[+-]/, "");
  return `${m}e${sign}${digits.length < 2 ? "0" + digits : digits}`;
}

const nonFinite = (v: number): string => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");

/** Python's "{:.Nf}", ties to even included. */
function fixed(v: number, precision: number): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  // a tie needs an exact (precision + 1)-digit decimal, so a dyadic one: v * 2^(precision+1) integral
  const s = halfEven(v.toFixed(precision), v.toFixed(precision + 1), Number.isInteger(v * 2 ** (precision + 1)));
  return Object.is(v, -0) || (v < 0 && /^-0\.?0*$/.test(s)) ? "-" + s.replace(/^-/, "") : s;
}

interface Formatter {
  width: number;
  format(v: number): string;
}

function makeFormatter(values: ArrayLike<number>, floating: boolean, isBool: boolean): Formatter {
  const p = printOptions.precision;
  if (isBool) {
    // as wide as the widest word shown: 4 when every value is True
    const w = Array.prototype.some.call(values, (v: number) => v === 0) ? 5 : 4;
    return { width: w, format: (v) => (v !== 0 ? "True" : "False").padStart(w) };
  }
  if (!floating) {
    let w = 1;
    for (let i = 0; i < values.length; i++) w = Math.max(w, String(values[i]).length);
    return { width: w, format: (v) => String(v).padStart(w) };
  }
  const nz: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && v !== 0) nz.push(v);
  }
  let intMode = true;
  let sciMode = false;
  let width = 1;
  if (nz.length > 0) {
    let mn = Infinity,
      mx = 0;
    for (const v of nz) {
      const a = Math.abs(v);
      mn = Math.min(mn, a);
      mx = Math.max(mx, a);
      if (v !== Math.ceil(v)) intMode = false;
    }
    const wide = mx / mn > 1000 || mx > 1e8;
    if (intMode) {
      if (wide) sciMode = true;
      for (const v of nz) width = Math.max(width, sciMode ? sci(v, p).length : fixed(v, 0).length + 1);
    } else {
      sciMode = wide || mn < 1e-4;
      for (const v of nz) width = Math.max(width, sciMode ? sci(v, p).length : fixed(v, p).length);
    }
  }
  const format = (v: number): string => {
    let s: string;
    if (sciMode) s = sci(v, p);
    else if (intMode) s = Number.isFinite(v) ? fixed(v, 0) + "." : nonFinite(v);
    else s = fixed(v, p);
    return s.padStart(width);
  };
  return { width, format };
}

/** The elements a summarised print shows (edge items of every dim), for choosing the format. */
function summarizedValues(storage: ArrayLike<number>, shape: readonly number[], summarize: boolean): number[] {
  const out: number[] = [];
  const e = printOptions.edgeitems;
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      out.push(storage[offset]!);
      return;
    }
    const n = shape[dim]!;
    const step = numelOf(shape.slice(dim + 1));
    const idx = summarize && n > 2 * e ? [...range(0, e), ...range(n - e, n)] : range(0, n);
    for (const i of idx) walk(dim + 1, offset + i * step);
  };
  walk(0, 0);
  return out;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

function body(storage: ArrayLike<number>, shape: readonly number[], f: Formatter, summarize: boolean, indent: number): string {
  const e = printOptions.edgeitems;
  const rec = (dim: number, offset: number, ind: number): string => {
    const nd = shape.length - dim;
    if (nd === 0) return f.format(storage[offset]!);
    const n = shape[dim]!;
    const step = numelOf(shape.slice(dim + 1));
    const cut = summarize && n > 2 * e;
    if (nd === 1) {
      const perLine = Math.max(1, Math.floor((printOptions.linewidth - ind) / (f.width + 2)));
      const items = cut
        ? [...range(0, e).map((i) => f.format(storage[offset + i]!)), " ...", ...range(n - e, n).map((i) => f.format(storage[offset + i]!))]
        : range(0, n).map((i) => f.format(storage[offset + i]!));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return "[" + lines.join(",\n" + " ".repeat(ind + 1)) + "]";
    }
    const parts = cut
      ? [
          ...range(0, e).map((i) => rec(dim + 1, offset + i * step, ind + 1)),
          "...",
          ...range(n - e, n).map((i) => rec(dim + 1, offset + i * step, ind + 1)),
        ]
      : range(0, n).map((i) => rec(dim + 1, offset + i * step, ind + 1));
    return "[" + parts.join("," + "\n".repeat(nd - 1) + " ".repeat(ind + 1)) + "]";
  };
  return rec(0, 0, indent);
}

/** The full printed form, with PyTorch's suffixes (dtype when not the default, grad_fn, requires_grad). */
export function formatTensor(t: Tensor): string {
  const prefix = "tensor(";
  const suffixes: string[] = [];
  const floating = t.dtype === "float32" || t.dtype === "float64";
  let text: string;
  if (t.numel() === 0) {
    text = "[]";
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(", ")}${t.ndim === 1 ? "," : ""})`);
  } else {
    const summarize = t.numel() > printOptions.threshold;
    const f = makeFormatter(summarizedValues(t.storage, t.shape, summarize), floating, t.dtype === "bool");
    text = body(t.storage, t.shape, f, summarize, prefix.length);
  }
  // an empty tensor has no values to show its dtype, so even bool is named (as PyTorch)
  if (t.dtype !== getDefaultDtype() && (t.dtype !== "bool" || t.numel() === 0)) suffixes.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push("requires_grad=True");
  return addSuffixes(prefix + text, suffixes, prefix.length);
}

/**
 * torch's _add_suffixes: ", suffix" while the line stays within linewidth, else a new line
 * indented to the opening bracket. torch measures the last line as 2 more than its visible
 * length (len - rfind("\n") + 1); kept, so that lines break where PyTorch's do.
 */
function addSuffixes(text: string, suffixes: readonly string[], indent: number): string {
  let out = text;
  let lastLineLen = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > printOptions.linewidth) {
      out += ",\n" + " ".repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      out += ", " + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return out + ")";
}
