// Compiles the AssemblyScript kernels (src/backends/wasm/assembly) into the four variants the
// wasm backend picks from at load time, and writes them base64-encoded into
// src/backends/wasm/binary.ts so the .wasm travels inside the JS module: it loads in Node, in
// browsers and through bundlers without a fetch or a file path.
//
//   node scripts/buildWasm.mjs                    rebuild binary.ts
//   node scripts/buildWasm.mjs --check            exit 1 if binary.ts is not what the sources compile to
//   node scripts/buildWasm.mjs --checked=VARIANT  print the path of VARIANT's checked build (below)
//
// Variants: SIMD with plain mul+add or relaxed-SIMD fused multiply-add, each with a private or a
// shared (threads) memory. All import their memory from the JS side.
//
// The checked build (tests only; TENSORLOOM_WASM_CHECKED=1 makes runtime.ts load it) compiles
// the same sources with every memory access routed through assembly/checked.ts's ck(): each
// load, store, memory.fill and memory.copy must fall inside an operand range the JS side
// registered, else the kernel traps. The rewrite happens here, on the source text handed to the
// compiler, so the shipped kernels carry no trace of it. Built on demand and cached under
// node_modules/.cache/tensorloom (or the temporary directory) by a hash of the sources, this
// script and the compiler version.
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = "src/backends/wasm/assembly/index.ts";
const outFile = root + "src/backends/wasm/binary.ts";
// 65536 pages = 4 GiB, the most a 32-bit memory can address; a shared memory must declare a maximum.
const MAX_PAGES = 65536;

const variants = {
  simd: ["--enable", "simd"],
  relaxed: ["--enable", "simd", "--enable", "relaxed-simd"],
  simdShared: ["--enable", "simd", "--enable", "threads", "--sharedMemory", "--maximumMemory", String(MAX_PAGES)],
  relaxedShared: [
    "--enable",
    "simd",
    "--enable",
    "relaxed-simd",
    "--enable",
    "threads",
    "--sharedMemory",
    "--maximumMemory",
    String(MAX_PAGES),
  ],
};

const assemblyDir = "src/backends/wasm/assembly/";

async function compile(flags, checked = false) {
  const { default: asc } = await import("assemblyscript/asc");
  let binary = null;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main([entry, "-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--outFile", "out.wasm", ...flags], {
    baseDir: root,
    stderr,
    writeFile: (name, contents) => {
      if (name.endsWith(".wasm")) binary = contents;
    },
    ...(checked ? { readFile: readChecked } : {}),
  });
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  return Buffer.from(binary);
}

/** A kernel source as the checked build sees it: every memory access through ck(). */
function readChecked(name, baseDir) {
  const path = baseDir + "/" + name;
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8");
  const rel = name.replace(/\\/g, "/");
  if (!rel.startsWith(assemblyDir) || rel.endsWith("/checked.ts")) return text;
  // the entry also exports the range table's address for the JS side
  const tail = name === entry ? `\nexport { checkedTable } from "./checked";\n` : "";
  return `import { ck } from "./checked";\n${instrument(text)}${tail}`;
}

// Per memory builtin: bytes touched, which argument holds its constant offset (absent: 0), and
// whether it writes. memory.fill/copy touch their length argument's bytes.
const ACCESSES = [
  { re: /\bload<(\w+)>\(/y, bytes: (m) => `sizeof<${m[1]}>()`, offset: 1, write: false },
  { re: /\bstore<(\w+)>\(/y, bytes: (m) => `sizeof<${m[1]}>()`, offset: 2, write: true },
  { re: /\bv128\.load\(/y, bytes: () => "16", offset: 1, write: false },
  { re: /\bv128\.store\(/y, bytes: () => "16", offset: 2, write: true },
  { re: /\bv128\.load32_(?:splat|zero)\(/y, bytes: () => "4", offset: 1, write: false },
  { re: /\bv128\.load32_lane\(/y, bytes: () => "4", offset: 3, write: false },
  { re: /\bmemory\.fill\(/y, fill: true },
  { re: /\bmemory\.copy\(/y, copy: true },
];

/**
 * The source with each memory builtin's address argument wrapped in ck(address, offset, bytes,
 * write); the builtin itself stays (its immediates, lane indices included, must stay literal).
 * Fails on any other load/store-like builtin, so a new one cannot slip past unchecked.
 */
function instrument(source) {
  // comments out (newlines kept): a builtin named in a comment is not a call
  const text = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, " "));
  for (const m of text.matchAll(MEMORY_BUILTIN)) {
    if (
      !ACCESSES.some((a) => {
        a.re.lastIndex = m.index;
        return a.re.test(text);
      })
    )
      throw new Error(`buildWasm --checked: no check for ${m[0]}`);
  }
  return wrap(text);
}

/** Any builtin that reads or writes linear memory (a load/store of any type, bulk memory, atomics). */
const MEMORY_BUILTIN =
  /(?<![\w.])(?:(?:v128|[if]\d+x\d+|[iuf]\d+)\.(?:load|store)\w*|memory\.(?:fill|copy|init)|atomic\.\w+|(?:load|store)(?:<\w+>)?)\(/g;

function wrap(text) {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const hit = ACCESSES.map((a) => {
      a.re.lastIndex = i;
      return [a, a.re.exec(text)];
    }).find(([, m]) => m);
    if (!hit || !/[^\w.]/.test(text[i - 1] ?? " ")) {
      out += text[i++];
      continue;
    }
    const [a, m] = hit;
    const open = i + m[0].length;
    const { args, end } = splitArgs(text, open);
    const ins = args.map(wrap);
    if (a.fill) ins[0] = `ck(${ins[0]}, 0, <usize>(${ins[2]}), true)`;
    else if (a.copy) {
      ins[0] = `ck(${ins[0]}, 0, <usize>(${ins[2]}), true)`;
      ins[1] = `ck(${ins[1]}, 0, <usize>(${ins[2]}), false)`;
    } else ins[0] = `ck(${ins[0]}, ${args[a.offset] ?? "0"}, ${a.bytes(m)}, ${a.write})`;
    out += m[0] + ins.join(",") + ")";
    i = end + 1;
  }
  return out;
}

/** The top-level arguments of the call whose "(" ends just before `open`, and the index of its ")". */
function splitArgs(text, open) {
  const args = [];
  let depth = 0,
    start = open;
  for (let j = open; j < text.length; j++) {
    const c = text[j];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if ((c === ")" || c === "]" || c === "}") && depth > 0) depth--;
    else if (c === ")" || (c === "," && depth === 0)) {
      args.push(text.slice(start, j));
      start = j + 1;
      if (c === ")") return { args, end: j };
    }
  }
  throw new Error("buildWasm --checked: unbalanced call");
}

const checkedArg = process.argv.find((a) => a.startsWith("--checked="));
if (checkedArg) {
  const name = checkedArg.slice("--checked=".length);
  if (!variants[name]) throw new Error(`unknown variant ${name}; one of ${Object.keys(variants).join(", ")}`);
  const hash = createHash("sha256");
  const { version } = JSON.parse(readFileSync(root + "node_modules/assemblyscript/package.json", "utf8"));
  hash.update(version + "\0" + readFileSync(fileURLToPath(import.meta.url), "utf8") + "\0" + name);
  for (const f of readdirSync(root + assemblyDir).sort()) hash.update("\0" + f + "\0" + readFileSync(root + assemblyDir + f, "utf8"));
  // node_modules/.cache where it can be written, else the system's temporary directory
  let dir = root + "node_modules/.cache/tensorloom/";
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    dir = join(tmpdir(), "tensorloom-wasm-checked/");
    mkdirSync(dir, { recursive: true });
  }
  const file = `${dir}wasm-checked-${name}-${hash.digest("hex").slice(0, 16)}.wasm`;
  if (!existsSync(file)) {
    const bytes = await compile(variants[name], true);
    // written whole then renamed: a process building the same file beside this one never reads half of it
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }
  console.log(file);
  process.exit(0);
}

const { default: asc } = await import("assemblyscript/asc");
const parts = [];
for (const [name, flags] of Object.entries(variants)) {
  const bytes = await compile(flags);
  // typed `string`, not the literal: the declaration file then says `string` instead of repeating the bytes
  parts.push(`export const ${name}: string = "${bytes.toString("base64")}";`);
}
const text = `// Generated by scripts/buildWasm.mjs from src/backends/wasm/assembly (AssemblyScript ${asc.version}).\n// Do not edit; rebuild with \`npm run build:wasm\`. A test checks it matches the sources.\n${parts.join("\n")}\n`;

if (process.argv.includes("--check")) {
  const current = readFileSync(outFile, "utf8");
  if (current !== text) {
    console.error("src/backends/wasm/binary.ts is stale: run `npm run build:wasm` and commit it.");
    process.exit(1);
  }
  console.log("binary.ts matches the AssemblyScript sources");
} else {
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile} (${text.length} bytes)`);
}
