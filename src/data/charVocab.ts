// A character vocabulary for text models: characters to int32 ids and back. Ids are ordered by
// frequency (most frequent first, ties by code point) after the reserved tokens, with the unknown
// token at id 0, as d2l's Vocab. Characters are Unicode code points, so an emoji is one token.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { tensor } from "../tensor/create.js";

/** Options of CharVocab.fromText: the unknown token, reserved tokens and a minimum frequency. */
export interface CharVocabOptions {
  /** The token for characters not in the vocabulary (id 0); null: unknown characters are an error. Default "<unk>". */
  unk?: string | null;
  /** Extra tokens right after unk (e.g. "<pad>", "<bos>", "<eos>"), in this order. */
  reserved?: readonly string[];
  /** Characters seen fewer times are left out (default 1: keep every character). */
  minFreq?: number;
}

/** A character-level vocabulary: characters to int32 ids and back (encode/decode), with an unknown token and reserved tokens, serialisable with toJSON/fromJSON. PyTorch has no built-in (torchtext's Vocab is closest). */
export class CharVocab {
  /** id -> token. */
  readonly tokens: readonly string[];
  /** The token unknown characters map to (id 0 when built from text), or null when unknown characters are an error. */
  readonly unk: string | null;
  private readonly ids: Map<string, number>;

  /** A vocabulary with exactly these tokens, in this order (unk, if given, must be one of them). */
  constructor(tokens: readonly string[], opts: { unk?: string | null } = {}) {
    this.tokens = tokens.slice();
    this.ids = new Map(this.tokens.map((t, i) => [t, i]));
    if (this.ids.size !== this.tokens.length)
      throw new ValueError(
        `CharVocab: tokens must be unique; "${this.tokens.find((t, i) => this.tokens.indexOf(t) !== i)}" appears twice.`,
      );
    this.unk = opts.unk === undefined ? (this.ids.has("<unk>") ? "<unk>" : null) : opts.unk;
    if (this.unk !== null && !this.ids.has(this.unk))
      throw new ValueError(`CharVocab: the unknown token ${JSON.stringify(this.unk)} is not among the tokens.`);
  }

  /**
   * Build a vocabulary from text (one string or several): unk, the reserved tokens, then every
   * character seen at least minFreq times, most frequent first.
   * @example tl.data.CharVocab.fromText("hello").encode("hell") // => tensor([3, 2, 1, 1], dtype=int32)
   */
  static fromText(text: string | readonly string[], opts: CharVocabOptions = {}): CharVocab {
    const unk = opts.unk === undefined ? "<unk>" : opts.unk;
    const minFreq = opts.minFreq ?? 1;
    const counts = new Map<string, number>();
    for (const s of typeof text === "string" ? [text] : text) for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const head = [...(unk === null ? [] : [unk]), ...(opts.reserved ?? [])];
    const chars = [...counts.entries()]
      .filter(([ch, n]) => n >= minFreq && !head.includes(ch))
      .sort(([a, na], [b, nb]) => nb - na || a.codePointAt(0)! - b.codePointAt(0)!)
      .map(([ch]) => ch);
    return new CharVocab([...head, ...chars], { unk });
  }

  /** The number of tokens (ids run 0..size-1), as len(vocab). */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of one token (unk's id for an unknown one). */
  indexOf(token: string): number {
    const id = this.ids.get(token);
    if (id !== undefined) return id;
    if (this.unk !== null) return this.ids.get(this.unk)!;
    throw new ValueError(
      `CharVocab: ${JSON.stringify(token)} is not in the vocabulary of ${this.size} tokens and there is no unknown token. Build the vocabulary with { unk: "<unk>" } or from text that contains it.`,
    );
  }

  /** The ids of the characters of `text`, as a JS array. */
  encodeIds(text: string): number[] {
    return Array.from(text, (ch) => this.indexOf(ch));
  }

  /** The ids of the characters of `text` as an int32 tensor [length] (for nn.Embedding or oneHot). */
  encode(text: string): Tensor {
    return tensor(Int32Array.from(this.encodeIds(text)));
  }

  /** The text of a sequence of ids (a JS array or an int tensor of any shape, read in order). */
  decode(ids: Tensor | readonly number[]): string {
    const list = Array.isArray(ids) ? (ids as readonly number[]) : Array.from((ids as Tensor).storage);
    return list
      .map((id, i) => {
        const t = this.tokens[id];
        if (!Number.isInteger(id) || t === undefined)
          throw new ValueError(`CharVocab.decode: id ${id} (at position ${i}) is out of range for ${this.size} tokens.`);
        return t;
      })
      .join("");
  }

  /** Plain data to save (JSON.stringify) and restore with CharVocab.fromJSON. */
  toJSON(): { tokens: string[]; unk: string | null } {
    return { tokens: this.tokens.slice(), unk: this.unk };
  }

  /** Restore a vocabulary saved with toJSON (JSON.parse'd). */
  static fromJSON(json: { tokens: readonly string[]; unk: string | null }): CharVocab {
    return new CharVocab(json.tokens, { unk: json.unk });
  }
}
