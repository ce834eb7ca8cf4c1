// The frame factory: the DataFrame and Series classes, handed over by table.ts and series.ts when
// they load, for the verbs to build their results with. Arquero's verbs return through a
// constructor they are given (table.create) and never import the table class; here the verbs
// import this module, which imports neither class nor any verb, so the class files may import
// every verb without an import cycle (test/importCycles.test.ts).
//
// A verb reached through its class (df.merge) or the public entry (merge from tensorloom/frame)
// runs after both classes have loaded, so the slots are always filled when a verb calls them.

import type { DataFrame } from "./table.js";
import type { Series } from "./series.js";
import type { Column } from "./column.js";

let frameCtor: typeof DataFrame | undefined;
let seriesCtor: typeof Series | undefined;

/** table.ts and series.ts hand their classes over as they load. */
export function provideFrameClass(c: typeof DataFrame): void {
  frameCtor = c;
}
export function provideSeriesClass(c: typeof Series): void {
  seriesCtor = c;
}

/** The DataFrame class: `frameClass().fromColumns(...)`, `x instanceof frameClass()`. */
export function frameClass(): typeof DataFrame {
  if (frameCtor === undefined) throw new Error('tensorloom/frame: the DataFrame class has not loaded (import from "tensorloom/frame").');
  return frameCtor;
}
/** A frame over existing columns, as DataFrame.fromColumns: how verbs return their results. */
export function newFrame(...args: Parameters<typeof DataFrame.fromColumns>): DataFrame {
  return frameClass().fromColumns(...args);
}
/** A frame's column by name, or the error of `op` listing the columns. */
export function columnOf(df: Pick<DataFrame, "data" | "colIndex">, op: string, name: string): Column {
  return df.data[df.colIndex(op, name)]!;
}
/** A Series over an existing column, as Series.fromColumn. */
export function newSeries(...args: Parameters<typeof Series.fromColumn>): Series {
  return seriesClass().fromColumn(...args);
}
/** The Series class: `seriesClass().fromColumn(...)`, `x instanceof seriesClass()`. */
export function seriesClass(): typeof Series {
  if (seriesCtor === undefined) throw new Error('tensorloom/frame: the Series class has not loaded (import from "tensorloom/frame").');
  return seriesCtor;
}
