// The row order of merge that the merge.ts header describes, against pandas 1.5
// (scripts/fixtures/make_frame_rank_refs.py): keys repeated on both sides and keys found on one
// side only, for each join type, and sort: true.

import { describe, it } from "node:test";
import { DataFrame } from "../index.js";
import { frameEqual, pandasCase, type EncFrame } from "../testing.test.js";

const l = new DataFrame({ k: [2, 1, 2, 3, 5], a: [0, 1, 2, 3, 4] });
const r = new DataFrame({ k: [3, 2, 4, 1, 2], b: [0, 1, 2, 3, 4] });

describe("merge row order matches pandas 1.5", () => {
  for (const how of ["inner", "left", "right", "outer"] as const) {
    it(how, () => frameEqual(l.merge(r, { on: "k", how }), pandasCase<EncFrame>("rank", `merge_order_${how}`)));
  }
  it("outer, sort: true", () =>
    frameEqual(l.merge(r, { on: "k", how: "outer", sort: true }), pandasCase<EncFrame>("rank", "merge_order_outer_sort")));
});
