// Convolution modules, as torch.nn.Conv1d/2d/3d and ConvTranspose1d/2d/3d: parameters under
// PyTorch's names and layouts, PyTorch's default initialisation (kaiming-uniform weight with
// a = sqrt(5), bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and paddingMode for Conv.

import type { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../tensor/errors.js";
import { asOp } from "../tensor/opContext.js";
import { empty } from "../tensor/create.js";
import { type IntOrTuple, commonDivisors, convNd, convTransposeNd, perDim, withBatchDim } from "../ops/conv.js";
import { type PadMode, pad } from "../ops/pad.js";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init.js";
import { Module, Parameter } from "./module.js";

/** How a Conv layer pads: "zeros" (default), "reflect", "replicate" or "circular", as torch.nn.Conv2d's padding_mode. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/** Options of Conv1d/2d/3d: stride, padding (number, per dim, "same", "valid"), dilation, groups, bias, paddingMode, dtype; torch.nn.Conv2d's keyword arguments as an object (no device). */
export interface ConvModuleOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple | "same" | "valid";
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  dtype?: "float32" | "float64";
}

function initParams(m: Module & { weight: Parameter; bias: Parameter | null }): void {
  kaimingUniform_(m.weight, Math.sqrt(5));
  if (m.bias) {
    const [fanIn] = calculateFanInAndFanOut(m.weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(m.bias, -bound, bound);
  }
}

function checkGroups(op: string, inChannels: number, outChannels: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${groups}.`);
  for (const [name, n] of [
    ["in_channels", inChannels],
    ["out_channels", outChannels],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) throw new ValueError(`${op}: ${name} must be an integer >= 0, got ${n}.`);
  }
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ValueError(
      `${op}: in_channels (${inChannels}) and out_channels (${outChannels}) must both be divisible by groups (${groups}); groups that divide both: ${commonDivisors(inChannels, outChannels).join(", ")}.`,
    );
  }
}

const reprTuple = (v: readonly number[]): string => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;

/** The shared N-d convolution module; Conv1d/2d/3d fix the number of spatial dims. */
export class ConvNd extends Module {
  /** The filters [C_out, C_in / groups, ...kernel], Kaiming-uniform initialised as PyTorch does, as torch.nn.Conv2d.weight. */
  readonly weight: Parameter;
  /** The bias [C_out], or null with `{ bias: false }`, as torch.nn.Conv2d.bias. */
  readonly bias: Parameter | null;
  /** The kernel size per spatial dim, as torch.nn.Conv2d.kernel_size (an array, not a tuple). */
  readonly kernelSize: number[];
  /** The stride per spatial dim, as torch.nn.Conv2d.stride. */
  readonly stride: number[];
  /** The dilation per spatial dim, as torch.nn.Conv2d.dilation. */
  readonly dilation: number[];
  /** The padding per spatial dim, or "same" / "valid", as torch.nn.Conv2d.padding. */
  readonly padding: number[] | "same" | "valid";
  /** The number of channel groups (inChannels for depthwise), as torch.nn.Conv2d.groups. */
  readonly groups: number;
  /** How the border is padded ("zeros", "reflect", "replicate", "circular"), as torch.nn.Conv2d.padding_mode. */
  readonly paddingMode: PaddingMode;

  constructor(
    /** The number of spatial dims (1, 2 or 3). */ readonly nd: number,
    /** Channels of the input, as torch.nn.Conv2d.in_channels. */ readonly inChannels: number,
    /** Channels of the output, as torch.nn.Conv2d.out_channels. */ readonly outChannels: number,
    kernelSize: IntOrTuple,
    opts: ConvModuleOptions = {},
  ) {
    super();
    const op = `Conv${nd}d`;
    this.groups = opts.groups ?? 1;
    checkGroups(op, inChannels, outChannels, this.groups);
    this.kernelSize = perDim(op, "kernelSize", kernelSize, nd, 1);
    this.stride = perDim(op, "stride", opts.stride ?? 1, nd, 1);
    this.dilation = perDim(op, "dilation", opts.dilation ?? 1, nd, 1);
    const p = opts.padding ?? 0;
    if (typeof p === "string" && p !== "same" && p !== "valid") {
      throw new ValueError(
        `${op}: padding ${JSON.stringify(p)} is not one of "same" and "valid" (as PyTorch); give one of them, an integer >= 0 or a list of ${nd}.`,
      );
    }
    this.padding = p === "same" || p === "valid" ? p : perDim(op, "padding", p, nd, 0);
    if (p === "same" && this.stride.some((s) => s !== 1))
      throw new ValueError(
        `${op}: padding="same" is not supported for strided convolutions (stride ${JSON.stringify(this.stride)}), as in PyTorch. Give explicit padding, e.g. ${JSON.stringify(this.kernelSize.map((k, i) => Math.floor((this.dilation[i]! * (k - 1)) / 2)))}.`,
      );
    this.paddingMode = opts.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(this.paddingMode)) {
      throw new ValueError(
        `${op}: paddingMode must be "zeros", "reflect", "replicate" or "circular", got ${JSON.stringify(this.paddingMode)}.`,
      );
    }
    const dt = opts.dtype ? { dtype: opts.dtype } : {};
    this.weight = this.registerParameter("weight", new Parameter(empty([outChannels, inChannels / this.groups, ...this.kernelSize], dt)));
    this.bias = this.registerParameter("bias", opts.bias === false ? null : new Parameter(empty([outChannels], dt)));
    initParams(this);
  }

  /** Per dim (left, right) padding amounts that paddingMode applies before a padding-free conv. */
  private explicitPadding(): number[] {
    if (this.padding === "valid") return [];
    const per = this.kernelSize.map((k, i): [number, number] => {
      if (this.padding === "same") {
        const total = this.dilation[i]! * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      }
      const pi = (this.padding as number[])[i]!;
      return [pi, pi];
    });
    return per.reverse().flat(); // F.pad order: last dim first
  }

  forward(x: Tensor): Tensor {
    const op = `Conv${this.nd}d`;
    return asOp(op, () => this.forwardOf(op, x));
  }

  private forwardOf(op: string, x: Tensor): Tensor {
    const amounts = this.explicitPadding();
    if (this.paddingMode === "zeros" || amounts.every((a) => a === 0)) {
      return convNd(op.toLowerCase(), this.nd, x, this.weight, this.bias, {
        stride: this.stride,
        padding: this.padding,
        dilation: this.dilation,
        groups: this.groups,
      });
    }
    // pad the batched form: the padding modes take [N, C, ...] (an unbatched input gets N = 1 and loses it after)
    return withBatchDim(op.toLowerCase(), this.nd, x, this.inChannels, (xb) => {
      const padded = pad(xb, amounts, this.paddingMode as PadMode);
      return convNd(op.toLowerCase(), this.nd, padded, this.weight, this.bias, {
        stride: this.stride,
        padding: 0,
        dilation: this.dilation,
        groups: this.groups,
      });
    });
  }

  protected override extraRepr(): string {
    const parts = [
      `${this.inChannels}, ${this.outChannels}`,
      `kernel_size=${reprTuple(this.kernelSize)}`,
      `stride=${reprTuple(this.stride)}`,
    ];
    if (this.padding !== "valid" && (this.padding === "same" || this.padding.some((p) => p !== 0)))
      parts.push(`padding=${typeof this.padding === "string" ? this.padding : reprTuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${reprTuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push("bias=False");
    if (this.paddingMode !== "zeros") parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(", ");
  }
}

/**
 * 1-D convolution layer. **Shape**: [N, C_in, L] -> [N, C_out, L_out] (or unbatched [C_in, L] -> [C_out, L_out]). State: weight [C_out, C_in/groups, k], bias [C_out].
 * @example new tl.nn.Conv1d(2, 4, 3, { padding: 1 }).forward(tl.ones([1, 2, 10])) // shape [1, 4, 10]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * 2-D convolution layer. **Shape**: [N, C_in, H, W] -> [N, C_out, H_out, W_out].
 * @example new tl.nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }).forward(tl.ones([2, 3, 32, 32])) // shape [2, 8, 16, 16]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/** 3-D convolution layer. **Shape**: [N, C_in, D, H, W] -> [N, C_out, D_out, H_out, W_out]. */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}

/** Options of ConvTranspose1d/2d/3d: stride, padding, outputPadding, dilation, groups, bias, dtype; torch.nn.ConvTranspose2d's keyword arguments as an object. */
export interface ConvTransposeModuleOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dtype?: "float32" | "float64";
}

/** The shared N-d transposed convolution module. Weight [C_in, C_out / groups, ...kernel]. */
export class ConvTransposeNd extends Module {
  /** The filters [C_in, C_out / groups, ...kernel] (note: C_in first, as PyTorch's transposed convolutions). */
  readonly weight: Parameter;
  /** The bias [C_out], or null with `{ bias: false }`. */
  readonly bias: Parameter | null;
  /** The kernel size per spatial dim, as torch.nn.ConvTranspose2d.kernel_size. */
  readonly kernelSize: number[];

  constructor(
    /** The number of spatial dims (1, 2 or 3). */ readonly nd: number,
    /** Channels of the input, as torch.nn.ConvTranspose2d.in_channels. */ readonly inChannels: number,
    /** Channels of the output, as torch.nn.ConvTranspose2d.out_channels. */ readonly outChannels: number,
    kernelSize: IntOrTuple,
    /** The options given at construction (stride, padding, outputPadding, dilation, groups, bias, dtype). */ readonly opts: ConvTransposeModuleOptions = {},
  ) {
    super();
    const op = `ConvTranspose${nd}d`;
    const mode = (opts as { paddingMode?: unknown }).paddingMode;
    if (mode !== undefined && mode !== "zeros") {
      // the option is Conv's; a JS caller passing it here would otherwise get zeros silently
      throw new ValueError(
        `${op}: paddingMode ${JSON.stringify(mode)} is not supported; only "zeros" is, as PyTorch. Pad the input with tl.pad(x, amounts, ${JSON.stringify(mode)}) first.`,
      );
    }
    const groups = opts.groups ?? 1;
    checkGroups(op, inChannels, outChannels, groups);
    this.kernelSize = perDim(op, "kernelSize", kernelSize, nd, 1);
    const dt = opts.dtype ? { dtype: opts.dtype } : {};
    this.weight = this.registerParameter("weight", new Parameter(empty([inChannels, outChannels / groups, ...this.kernelSize], dt)));
    this.bias = this.registerParameter("bias", opts.bias === false ? null : new Parameter(empty([outChannels], dt)));
    initParams(this);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, dilation, groups } = this.opts;
    return asOp(`ConvTranspose${this.nd}d`, () =>
      convTransposeNd(`convTranspose${this.nd}d`, this.nd, x, this.weight, this.bias, {
        stride: stride ?? 1,
        padding: padding ?? 0,
        outputPadding: outputPadding ?? 0,
        dilation: dilation ?? 1,
        groups: groups ?? 1,
      }),
    );
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=${reprTuple(this.kernelSize)}${this.bias ? "" : ", bias=False"}`;
  }
}

/** Transposed 1-D convolution layer, as torch.nn.ConvTranspose1d: `new ConvTranspose1d(inChannels, outChannels, kernelSize, opts)`. Shape: [N, C_in, L] -> [N, C_out, L_out]; weight [C_in, C_out / groups, k]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTransposeModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/**
 * Transposed 2-D convolution layer ("deconvolution", upsampling), as torch.nn.ConvTranspose2d. Shape: [N, C_in, H, W] -> [N, C_out, H_out, W_out]; weight [C_in, C_out / groups, kH, kW].
 * @example new tl.nn.ConvTranspose2d(4, 2, 2, { stride: 2 }).forward(tl.ones([1, 4, 5, 5])) // shape [1, 2, 10, 10]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTransposeModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/** Transposed 3-D convolution layer, as torch.nn.ConvTranspose3d. Shape: [N, C_in, D, H, W] -> [N, C_out, D_out, H_out, W_out]. */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTransposeModuleOptions = {}) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}
