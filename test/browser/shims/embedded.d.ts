// The virtual module test/browser/webgpu.ts builds: fixture file texts by "dir/name.json".
declare module "tensorloom-embedded-fixtures" {
  export const files: Record<string, string>;
}
