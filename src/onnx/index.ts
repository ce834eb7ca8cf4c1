// tl.onnx: export a model to ONNX. toBytes runs anywhere; export writes a file and needs Node
// (node:fs is imported only when called, so browser bundles never load it).

import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor/tensor.js";
import { OnnxExportError, type OnnxExportOptions, toBytes } from "./export.js";

export { toBytes, traceGraph, OnnxExportError, OPSET, SUPPORTED_MODULES, SUPPORTED_OPS, type OnnxExportOptions } from "./export.js";
export type { OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from "./proto.js";

interface WriteFs {
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

/**
 * Trace `model` on `exampleInput` (eval mode, one forward) and write it to `path` as an ONNX
 * model (opset 17), as torch.onnx.export. Node only; in a browser use toBytes. Resolves to the
 * bytes written.
 */
async function exportModel(
  model: Module,
  exampleInput: Tensor | readonly Tensor[],
  path: string,
  opts: OnnxExportOptions = {},
): Promise<Uint8Array> {
  const bytes = toBytes(model, exampleInput, opts);
  const specifier = "node:fs/promises"; // a variable, so browser bundlers leave it alone
  let fs: WriteFs;
  try {
    fs = (await import(specifier)) as WriteFs;
  } catch {
    throw new OnnxExportError(
      "onnx.export: writing a file needs Node.js (node:fs); in a browser use tl.onnx.toBytes(model, exampleInput).",
    );
  }
  try {
    await fs.writeFile(path, bytes);
  } catch (e) {
    throw new OnnxExportError(
      `onnx.export: could not write "${path}": ${(e as Error).message}. Check that its folder exists and is writable.`,
    );
  }
  return bytes;
}

export { exportModel as export };
