// Page 7's training worker: serves trainForPage (digits.ts) through tl.train.serveTraining, so
// the page keeps drawing while the CNN trains.
import * as tl from "../../../src/index.js";
import { type DigitsConfig, type DigitsReport, trainForPage } from "./digits.js";

tl.train.serveTraining<DigitsConfig, DigitsReport>(trainForPage);
