// A protobuf writer for the part of onnx.proto that an exported model uses (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto and the type messages). Encoding only:
// varints, length-delimited fields (strings, bytes, nested messages), packed int64s and one
// 32-bit float; tensors go in raw_data (little-endian). Field numbers are onnx.proto's.
// Chosen over protobufjs (8.8.1: 3.8 MB unpacked, 760 kB tarball, plus `long`) because the
// library has one runtime dependency and runs in browsers; this subset is ~200 lines.

/** Bytes of one message under construction: appended chunks, joined once by finish(). */
export class PbWriter {
  private readonly parts: Uint8Array[] = [];
  private cur: number[] = [];
  private size = 0;

  private flush(): void {
    if (this.cur.length > 0) {
      this.parts.push(Uint8Array.from(this.cur));
      this.cur = [];
    }
  }

  private byte(b: number): void {
    this.cur.push(b);
    this.size++;
  }

  /** An unsigned varint, or a negative int64 as its 10-byte two's complement. */
  varint(n: number): this {
    if (!Number.isSafeInteger(n)) throw new RangeError(`protobuf: ${n} is not a safe integer`);
    if (n < 0) {
      let v = BigInt.asUintN(64, BigInt(n));
      while (v > 0x7fn) {
        this.byte(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.byte(Number(v));
      return this;
    }
    while (n > 0x7f) {
      this.byte((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    this.byte(n);
    return this;
  }

  private tag(field: number, wire: 0 | 1 | 2 | 5): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, n: number): this {
    this.tag(field, 0);
    return this.varint(n);
  }

  float(field: number, f: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    for (const x of b) this.byte(x);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    this.flush();
    this.parts.push(data);
    this.size += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: PbWriter): this {
    return this.bytes(field, m.finish());
  }

  /** repeated int64, packed (proto3's default; proto2 parsers accept both forms). */
  packedInts(field: number, ns: readonly number[]): this {
    const w = new PbWriter();
    for (const n of ns) w.varint(n);
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------- ONNX messages

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type OnnxDataType = (typeof DataType)[keyof typeof DataType];

/** A node attribute: int, string, ints, strings, or a float / floats wrapped to tell them from ints. */
export type AttrValue = number | string | readonly number[] | readonly string[] | { float: number } | { floats: readonly number[] };

/** One node of an ONNX graph as tensorloom builds it: op type, input and output value names, node name and attributes (onnx.NodeProto's fields). */
/** One NodeProto: an ONNX op applied to named values. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs?: Record<string, AttrValue>;
}

/** An initializer of an ONNX graph: name, dims, element type and little-endian raw bytes (onnx.TensorProto with raw_data). */
/** One initializer (TensorProto): a constant or a weight, stored as raw little-endian bytes. */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  type: OnnxDataType;
  /** Little-endian element bytes. */
  raw: Uint8Array;
}

/** A graph input or output: name, element type and fixed dims (onnx.ValueInfoProto). */
/** A graph input or output (ValueInfoProto): name, element type and static shape. */
export interface OnnxValueInfo {
  name: string;
  type: OnnxDataType;
  dims: readonly number[];
}

/** An ONNX graph before serialisation: nodes, initializers, inputs and outputs (onnx.GraphProto's fields). */
/** The traced graph before serialisation (GraphProto). */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

// AttributeProto.AttributeType
const A_FLOAT = 1,
  A_INT = 2,
  A_STRING = 3,
  A_FLOATS = 6,
  A_INTS = 7,
  A_STRINGS = 8;

function attribute(name: string, v: AttrValue): PbWriter {
  const w = new PbWriter().string(1, name);
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new RangeError(`onnx: attribute ${name} = ${v} must be an integer (use { float } for floats)`);
    w.int(3, v).int(20, A_INT);
  } else if (typeof v === "string") {
    w.string(4, v).int(20, A_STRING);
  } else if (Array.isArray(v)) {
    if (v.length > 0 && typeof v[0] === "string") {
      for (const s of v as readonly string[]) w.string(9, s);
      w.int(20, A_STRINGS);
    } else {
      w.packedInts(8, v as readonly number[]).int(20, A_INTS);
    }
  } else if ("float" in (v as object)) {
    w.float(2, (v as { float: number }).float).int(20, A_FLOAT);
  } else {
    const fl = (v as { floats: readonly number[] }).floats;
    const b = new Uint8Array(fl.length * 4);
    const dv = new DataView(b.buffer);
    fl.forEach((f, i) => dv.setFloat32(i * 4, f, true));
    w.bytes(7, b).int(20, A_FLOATS);
  }
  return w;
}

function nodeProto(n: OnnxNode): PbWriter {
  const w = new PbWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
  return w;
}

function tensorProto(t: OnnxTensor): PbWriter {
  const w = new PbWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  return w.int(2, t.type).string(8, t.name).bytes(9, t.raw);
}

function valueInfo(v: OnnxValueInfo): PbWriter {
  const shape = new PbWriter();
  for (const d of v.dims) shape.message(1, new PbWriter().int(1, d)); // Dimension.dim_value
  const tensorType = new PbWriter().int(1, v.type).message(2, shape); // TypeProto.Tensor
  return new PbWriter().string(1, v.name).message(2, new PbWriter().message(1, tensorType)); // TypeProto.tensor_type
}

/** A serialised ModelProto (IR version 8) importing the default domain at `opset`. */
export function encodeModel(g: OnnxGraph, opset: number, producerVersion: string): Uint8Array {
  const graph = new PbWriter();
  for (const n of g.nodes) graph.message(1, nodeProto(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensorProto(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  return new PbWriter()
    .int(1, 8) // ir_version 8 (opsets up to 17)
    .string(2, "tensorloom")
    .string(3, producerVersion)
    .message(7, graph)
    .message(8, new PbWriter().string(1, "").int(2, opset))
    .finish();
}
