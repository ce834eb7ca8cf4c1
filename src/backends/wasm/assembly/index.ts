// Entry point of the wasm kernels (AssemblyScript). Memory is owned by the JS side: every
// kernel takes byte addresses into the module's linear memory, which JS fills and reads back.
export { sgemm, gemmScratchBytes } from "./gemm";
export { lstmCell, lstmCellBackward, gruCell, gruCellBackward } from "./recurrent";
export { convForward, convBackwardInput, convBackwardWeight, convBackward, convPackedWeightFloats, convForwardSamples, convBackwardSamples } from "./conv";
export { maxPool, maxPool2x2, avgPool, avgPoolBackward } from "./pool";
export { scatterAddRows, indexSelectRows } from "./indexing";
export { lstmSequence, lstmSequenceBackward, gruSequence, gruSequenceBackward, sumRows, sequencePackBytes } from "./sequence";
export { packBAll, packedBFloats, sgemmPackedB, packAAll, packedAFloats, sgemmPackedA } from "./gemm";
export { logSoftmax } from "./softmax";
export { relu, reluGrad, arith, arithRows, sumMiddle, sumContiguous, fill32, sumPartials } from "./elementwise";
export { depthwiseForward, depthwiseBackwardInput, depthwiseBackwardWeight } from "./depthwise";
export { convDirect, convDirectBackward, convDirectBackwardSamples, packRowsFull, packedRowsFloats } from "./direct";
export { adamStep, sgdStep } from "./optim";
