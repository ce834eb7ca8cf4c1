// Data helpers: datasets and batching, sequence windowing and the linear AR(tau) model, text vocabularies.

export { slidingWindows, type SlidingWindowOptions, type Windows } from "./slidingWindows.js";
export { fitAr, arOneStep, type ArFit } from "./autoregressive.js";
export { CharVocab, type CharVocabOptions } from "./charVocab.js";
export {
  type Dataset,
  type DatasetLike,
  TensorDataset,
  Subset,
  DataLoader,
  type DataLoaderOptions,
  randomSplit,
  defaultCollate,
} from "./dataset.js";
