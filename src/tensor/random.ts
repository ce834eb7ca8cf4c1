// The seeded random generator behind rand, randn, randint, init, shuffling and dropout.
// xoshiro128** (32-bit state words, fast in JS) seeded through splitmix32. Reproducible across
// runs and platforms for a given seed; it does not reproduce PyTorch's mt19937 stream.

/** A seeded random stream (xoshiro128**), as torch.Generator: pass `{ generator }` to rand/randn/randint/randperm, dropout or shuffling. Reproducible for a seed across runs and platforms, but not PyTorch's mt19937 numbers. */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;
  private seedValue = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Reseed this stream (returns this), as torch.Generator.manual_seed. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new TypeError(`manualSeed: seed must be a finite number, got ${seed}.`);
    this.seedValue = seed;
    // splitmix32 over the low and high 32 bits of the seed fills the state
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spare = null;
    return this;
  }

  /** The seed this stream was last seeded with, as torch.Generator.initial_seed. */
  initialSeed(): number {
    return this.seedValue;
  }

  /** Next 32 random bits. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by the Box-Muller transform, caching the second value. */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high). */
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }

  /** The state, to save and restore a stream (getRngState / setRngState). */
  getState(): Uint32Array {
    return this.s.slice();
  }

  /** Restore a state from getState (4 words), as torch.Generator.set_state (the state's layout differs from PyTorch's). */
  setState(state: Uint32Array): void {
    if (state.length !== 4) throw new TypeError(`setState: expected 4 state words, got ${state.length}.`);
    this.s.set(state);
    this.spare = null;
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** The default generator, as torch.default_generator. */
export const defaultGenerator = new Generator(0);

/** As torch.manual_seed: reseed the default generator so everything random is reproducible. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
