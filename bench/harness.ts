// Shared timing for the benchmarks: warm up, then the median of several runs, and a table of
// times and ratios. Absolute times on shared 2-core machines are noise; ratios within one
// process run are the figures to read.

export interface Row {
  workload: string;
  /** Milliseconds per implementation; null = unsupported (with the reason). */
  times: Record<string, number | null | string>;
}

export async function median(fn: () => unknown | Promise<unknown>, { warmup = 1, runs = 5, maxMs = 20000 } = {}): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (performance.now() - start > maxMs && times.length >= 1) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Print a table: each implementation's time and its ratio to `base` (>1 means base is faster). */
export function printTable(rows: Row[], names: string[], base: string): string {
  const fmt = (v: number | null | string | undefined): string => (typeof v === "number" ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : v === null || v === undefined ? "-" : v);
  const header = ["workload", ...names.map((n) => `${n} ms`), ...names.filter((n) => n !== base).map((n) => `${n} / ${base}`)];
  const lines = [header.join(" | "), header.map(() => "---").join(" | ")];
  for (const r of rows) {
    const b = r.times[base];
    const ratios = names.filter((n) => n !== base).map((n) => {
      const v = r.times[n];
      return typeof v === "number" && typeof b === "number" ? `${(v / b).toFixed(2)}x` : typeof v === "string" ? v : "-";
    });
    lines.push([r.workload, ...names.map((n) => fmt(r.times[n])), ...ratios].join(" | "));
  }
  const table = lines.map((l) => `| ${l} |`).join("\n");
  console.log(table);
  return table;
}
