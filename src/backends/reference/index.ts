// The reference backend: plain TypeScript loops over typed arrays, written to be read. It is
// the specification every other backend is tested against.

import type { HostBackend } from "../backend.js";
import { binary, unary, where } from "./elementwise.js";
import { matmul } from "./matmul.js";
import { logSoftmax } from "./softmax.js";
import { copyStrided, gather, indexAdd, indexSelect, scatterAdd } from "./movement.js";
import { reduce } from "./reduce.js";
import { optimStep } from "./optim.js";
import { scan } from "./scan.js";
import { sort } from "./sort.js";
import { col2im, convBackward, convBackwardInput, convBackwardWeight, convForward, im2col } from "./conv.js";
import { avgPool, avgPoolBackward, maxPool } from "./pool.js";
import {
  gruCell,
  gruCellBackward,
  gruSequence,
  gruSequenceBackward,
  lstmCell,
  lstmCellBackward,
  lstmSequence,
  lstmSequenceBackward,
} from "./recurrent.js";

export const referenceBackend: HostBackend = {
  name: "reference",
  unary,
  binary,
  where,
  reduce,
  matmul,
  logSoftmax,
  copyStrided,
  indexSelect,
  indexAdd,
  gather,
  scatterAdd,
  scan,
  sort,
  convForward,
  convBackward,
  convBackwardInput,
  convBackwardWeight,
  im2col,
  col2im,
  maxPool,
  avgPool,
  avgPoolBackward,
  lstmCell,
  lstmCellBackward,
  lstmSequence,
  lstmSequenceBackward,
  gruSequence,
  gruSequenceBackward,
  gruCell,
  gruCellBackward,
  optimStep,
};
