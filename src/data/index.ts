// Data helpers: sequence windowing and text vocabularies (Dataset/DataLoader come with #6).

export { slidingWindows, type SlidingWindowOptions, type Windows } from "./slidingWindows.js";
export { CharVocab, type CharVocabOptions } from "./charVocab.js";
