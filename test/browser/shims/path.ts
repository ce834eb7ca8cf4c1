// node:path and node:url for a browser bundle: the few calls test/support/fixtures.ts makes.
function normalize(parts: string[]): string {
  const out: string[] = [];
  for (const p of parts.join("/").split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return `/${out.join("/")}`;
}
export function resolve(...parts: string[]): string {
  let start = 0;
  for (let i = 0; i < parts.length; i++) if (parts[i]!.startsWith("/")) start = i;
  return normalize(parts.slice(start));
}
export const join = (...parts: string[]): string => normalize(parts);
export const dirname = (p: string): string => normalize([p, ".."]);
export const basename = (p: string): string => p.split("/").pop() ?? "";
export function fileURLToPath(u: string | URL): string {
  return new URL(String(u)).pathname;
}
export default { resolve, join, dirname, basename };
