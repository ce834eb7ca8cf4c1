// Data helpers: datasets and batching, sequence windowing, text vocabularies.

export { slidingWindows, type SlidingWindowOptions, type Windows } from "./slidingWindows.js";
export { CharVocab, type CharVocabOptions } from "./charVocab.js";
export { type Dataset, TensorDataset, Subset, DataLoader, type DataLoaderOptions, randomSplit, defaultCollate } from "./dataset.js";
