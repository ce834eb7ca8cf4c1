// SeriesGroupBy: one value column of a groupby (df.groupby(k).col("x"), pandas'
// df.groupby(k)["x"]). Results take pandas' Series shapes: an aggregate is a Series indexed by
// the group keys, a list of aggregates a frame with one column per function (index: the keys),
// transform a Series aligned to the original rows. With several keys the index is a MultiIndex,
// as pandas.

import type { Column, Scalar } from "../column.js";
import { type AggName, type AggSpec, GroupAggregates, aggLabel, aggregate, checkAggName } from "../aggregates.js";
import { FrameError } from "../errors.js";
import type { Index } from "../labels.js";
import type { Series } from "../series.js";
import type { DataFrame } from "../table.js";
import type { GroupBy } from "./groupby.js";
import { newFrame, newSeries, columnOf } from "../frames.js";

/** One column of a groupby, as pandas' SeriesGroupBy: aggregates give a Series indexed by the group keys (a MultiIndex for several keys), a list of aggregates a DataFrame with columns named by function, transform a Series aligned to the rows. */
export class SeriesGroupBy extends GroupAggregates<Series> {
  constructor(
    /** The grouping of the frame. */ readonly by: GroupBy,
    /** The value column. */ readonly name: string,
  ) {
    super();
    by.df.colIndex("groupby.col", name);
  }

  /** The group keys as a row index named after them: the key column, or a MultiIndex for several keys. */
  private keyIndex(): Index {
    return this.by.keyIndex();
  }

  private column(op: string, fn: AggSpec): Column {
    const c = columnOf(this.by.df, op, this.name);
    return aggregate(`groupby.${op}`, fn, c, this.name, this.by.groups.groups);
  }

  /**
   * One aggregate per group as a Series named after the column and indexed by the keys, as
   * pandas' SeriesGroupBy.agg("mean"); a list gives a DataFrame with a column per function
   * ("mean", "max", or a function's name), as pandas' agg(["mean", "max"]).
   * @example
   * mtcars.groupby("cyl").col("mpg").agg(["mean", "max"]) // shape [3, 2]
   */
  agg(spec: AggSpec): Series;
  agg(spec: AggSpec[]): DataFrame;
  agg(spec: AggSpec | AggSpec[]): Series | DataFrame {
    if (!Array.isArray(spec)) {
      checkAggName("groupby.agg", spec);
      return newSeries(this.column("agg", spec), this.name, this.keyIndex());
    }
    spec.forEach((f) => checkAggName("groupby.agg", f));
    const names = spec.map((f) => aggLabel(f, "fn"));
    const dup = names.find((k, i) => names.indexOf(k) !== i);
    if (dup !== undefined)
      throw new FrameError(`groupby.agg: the function name ${JSON.stringify(dup)} appears twice; name the functions apart.`);
    return newFrame(
      names,
      spec.map((f) => this.column("agg", f)),
      this.keyIndex(),
    );
  }

  /** Product per group, as pandas' SeriesGroupBy.prod (float, so no int64 wrap-around as numpy's). */
  prod(): Series {
    return this.agg("prod");
  }
  /**
   * Rows per group (missing values counted), a Series named after the column, as pandas'
   * SeriesGroupBy.size.
   * @example
   * mtcars.groupby("cyl").col("mpg").size().toArray() // [11, 7, 14]
   */
  size(): Series {
    return this.agg("size");
  }

  /**
   * A value per row, in the original row order and index: the group's aggregate broadcast to its
   * rows, or fn of the group's values (one value, or one per row), as pandas' SeriesGroupBy.transform.
   * @example
   * mtcars.groupby("cyl").col("mpg").transform("mean").length // 32
   */
  transform(spec: AggName | ((values: Series) => Series | Scalar)): Series {
    const out = this.by.select(this.name).transform(spec);
    if (!out.has(this.name))
      throw new FrameError(`groupby.transform: ${JSON.stringify(spec)} needs numbers, but column ${JSON.stringify(this.name)} is text.`);
    return out.col(this.name);
  }
}
