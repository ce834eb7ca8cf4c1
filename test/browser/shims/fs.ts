// node:fs for a browser bundle: readFileSync serves the fixture files the driver embedded
// (test/browser/webgpu.ts), keyed by their last two path segments ("torch/linear.json").
import { files } from "tensorloom-embedded-fixtures";

function key(path: string): string {
  return path.split("/").slice(-2).join("/");
}

export function readFileSync(path: string): string {
  const text = (files as Record<string, string>)[key(String(path))];
  if (text === undefined) throw new Error(`fs shim: ${path} was not embedded in the page (add its family to test/browser/webgpu.ts)`);
  return text;
}
export function existsSync(path: string): boolean {
  return key(String(path)) in files;
}
export default { readFileSync, existsSync };
