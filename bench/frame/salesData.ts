// The benchmark's generated tables: a sales table of `rows` rows (id, ts, category of 20 values,
// city of 2,000 values, qty, price, discount with 5% missing, flag) and a 2,000-row cities table,
// written once into `dir` and reused. Shared by frame.ts, parquet.ts and chunked.ts.

import { existsSync, mkdirSync, writeFileSync, createWriteStream } from "node:fs";
import { join } from "node:path";

/** Paths of the sales and cities CSVs for `rows` rows under `dir`, generating them when absent. */
export async function salesCsv(rows: number, dir: string): Promise<{ sales: string; cities: string }> {
  const sales = join(dir, `sales-${rows}.csv`),
    cities = join(dir, "cities.csv");
  if (existsSync(sales) && existsSync(cities)) return { sales, cities };
  mkdirSync(dir, { recursive: true });
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  // streamed in blocks, so a table several times the heap limit can be generated too
  const out = createWriteStream(sales + ".part");
  const write = (text: string) => new Promise<void>((ok) => (out.write(text) ? ok() : out.once("drain", ok)));
  await write("id,ts,category,city,qty,price,discount,flag\n");
  const t0 = Date.UTC(2023, 0, 1);
  let block: string[] = [];
  for (let i = 0; i < rows; i++) {
    const ts = new Date(t0 + Math.floor(rnd() * 365 * 86400) * 1000).toISOString().slice(0, 19).replace("T", " ");
    const disc = rnd() < 0.05 ? "" : (Math.floor(rnd() * 30) / 100).toFixed(2);
    block.push(
      `${i},${ts},c${Math.floor(rnd() * 20)},city${Math.floor(rnd() * 2000)},${1 + Math.floor(rnd() * 100)},${(1 + rnd() * 999).toFixed(2)},${disc},${rnd() < 0.5 ? "True" : "False"}\n`,
    );
    if (block.length === 100_000) {
      await write(block.join(""));
      block = [];
    }
  }
  await write(block.join(""));
  await new Promise<void>((ok) => out.end(ok));
  const { renameSync } = await import("node:fs");
  renameSync(sales + ".part", sales);
  const c = ["city,region,population"];
  for (let k = 0; k < 2000; k++) c.push(`city${k},r${k % 12},${10000 + ((k * 7919) % 990000)}`);
  writeFileSync(cities, c.join("\n") + "\n");
  return { sales, cities };
}
