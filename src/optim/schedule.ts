// Learning-rate schedulers, as torch.optim.lr_scheduler: StepLR, ExponentialLR,
// CosineAnnealingLR (PyTorch's chainable recursive form), ReduceLROnPlateau and OneCycleLR
// (with momentum cycling). Call step() once per epoch (OneCycleLR: once per batch), after
// optimizer.step(), as in PyTorch.

import { ValueError } from "../tensor/errors.js";
import { type Optimizer, checkOptionKeys } from "./optimizer.js";

type AnyOptimizer = Optimizer<{ lr: number }>;

/** Base of the epoch-indexed schedulers: lastEpoch, baseLrs, getLastLr(). */
export abstract class LRScheduler {
  /** The index of the last step (0 after construction, which takes the first step), as PyTorch's last_epoch. */
  lastEpoch = -1;
  /** Each group's lr when the scheduler was made, as PyTorch's base_lrs. */
  readonly baseLrs: number[];
  protected stepCount = 0;

  constructor(/** The optimizer whose groups' lr this scheduler sets. */ readonly optimizer: AnyOptimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Initialise by taking the first step (epoch 0), as PyTorch's constructor does. */
  protected init(): void {
    this.step();
  }

  protected abstract computeLr(): number[];

  /** Advance one epoch (one batch for OneCycleLR) and write the new lr into every parameter group, as scheduler.step(). */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
  }

  /** The lr of each parameter group now, as scheduler.get_last_lr(). */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** lr = lr * gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    /** Epochs between decays, as torch.optim.lr_scheduler.StepLR's step_size. */ readonly stepSize: number,
    /** Factor applied every stepSize epochs (default 0.1), as StepLR's gamma. */ readonly gamma = 0.1,
  ) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new ValueError(`StepLR: stepSize must be a positive integer, got ${stepSize}.`);
    this.init();
  }
  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** lr = lr * gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    /** Factor applied every epoch, as ExponentialLR's gamma. */ readonly gamma: number,
  ) {
    super(optimizer);
    this.init();
  }
  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }
}

/** Cosine annealing from the base lr to etaMin over tMax epochs (then back up, periodically). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    /** Epochs of one half cosine period, as CosineAnnealingLR's T_max. */ readonly tMax: number,
    /** The lowest lr (default 0), as CosineAnnealingLR's eta_min. */ readonly etaMin = 0,
  ) {
    super(optimizer);
    if (!(tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be positive, got ${tMax}.`);
    this.init();
  }
  protected computeLr(): number[] {
    const { tMax: T, etaMin, lastEpoch: e } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }
}

/** Options of ReduceLROnPlateau: mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps; torch.optim.lr_scheduler.ReduceLROnPlateau's keyword arguments, camelCase. */
export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Multiply lr by factor when the metric passed to step(metric) stops improving for `patience` epochs. */
export class ReduceLROnPlateau {
  /** "min" (default: lower is better) or "max", as ReduceLROnPlateau's mode. */
  readonly mode: "min" | "max";
  /** Multiplier applied to the lr on a plateau (default 0.1). */
  readonly factor: number;
  /** Epochs without improvement tolerated before lowering (default 10). */
  readonly patience: number;
  /** The improvement that counts (default 1e-4), relative or absolute by thresholdMode. */
  readonly threshold: number;
  /** "rel" (default) or "abs", as ReduceLROnPlateau's threshold_mode. */
  readonly thresholdMode: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  readonly cooldown: number;
  /** The lowest lr of each parameter group, as PyTorch's min_lrs. */
  readonly minLrs: number[];
  /** Reductions smaller than this are skipped (default 1e-8), as ReduceLROnPlateau's eps. */
  readonly eps: number;
  /** The best metric seen so far, as PyTorch's best. */
  best: number;
  /** Epochs since the last improvement, as PyTorch's num_bad_epochs. */
  numBadEpochs = 0;
  /** Cooldown epochs left, as PyTorch's cooldown_counter. */
  cooldownCounter = 0;
  /** The number of step(metric) calls so far, as PyTorch's last_epoch. */
  lastEpoch = 0;

  constructor(
    /** The optimizer whose groups' lr this scheduler lowers. */ readonly optimizer: AnyOptimizer,
    opts: ReduceLROnPlateauOptions = {},
  ) {
    checkOptionKeys("ReduceLROnPlateau", opts, ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"]);
    this.mode = opts.mode ?? "min";
    if (this.mode !== "min" && this.mode !== "max")
      throw new ValueError(`ReduceLROnPlateau: mode must be "min" or "max", got ${JSON.stringify(this.mode)}.`);
    this.factor = opts.factor ?? 0.1;
    if (!(this.factor < 1)) throw new ValueError(`ReduceLROnPlateau: factor should be < 1.0, got ${this.factor}.`);
    this.patience = opts.patience ?? 10;
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? "rel";
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs")
      throw new ValueError(`ReduceLROnPlateau: thresholdMode must be "rel" or "abs", got ${JSON.stringify(this.thresholdMode)}.`);
    this.cooldown = opts.cooldown ?? 0;
    const m = opts.minLr ?? 0;
    this.minLrs = Array.isArray(m) ? m : optimizer.paramGroups.map(() => m as number);
    if (this.minLrs.length !== optimizer.paramGroups.length)
      throw new ValueError(
        `ReduceLROnPlateau: minLr lists ${this.minLrs.length} values but the optimizer has ${optimizer.paramGroups.length} parameter groups. Give one per group, or a single number.`,
      );
    this.eps = opts.eps ?? 1e-8;
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode: tm, threshold: t, best } = this;
    if (mode === "min") return tm === "rel" ? a < best * (1 - t) : a < best - t;
    return tm === "rel" ? a > best * (1 + t) : a > best + t;
  }

  /** Record this epoch's metric; lower every group's lr by factor after `patience` epochs without improvement, as scheduler.step(metric). */
  step(metric: number): void {
    if (typeof metric !== "number")
      throw new ValueError(`ReduceLROnPlateau: step(metric) needs a number (e.g. the validation loss), got ${typeof metric}.`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /** The lr of each parameter group now, as scheduler.get_last_lr(). */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** Options of OneCycleLR: maxLr (required), totalSteps or epochs with stepsPerEpoch, pctStart, annealStrategy, momentum cycling, divFactor, finalDivFactor, threePhase; torch.optim.lr_scheduler.OneCycleLR's keywords, camelCase. */
export interface OneCycleLROptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: "initial" | "max" | "min";
  endLr: "initial" | "max" | "min";
  startM: "max" | "base";
  endM: "max" | "base";
}

/** The 1cycle policy (Smith): warm up to maxLr, then anneal far below the start; step once per batch. */
export class OneCycleLR extends LRScheduler {
  /** Steps of the whole cycle (totalSteps, or epochs * stepsPerEpoch), as OneCycleLR's total_steps. */
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly groupLrs: { initial: number; max: number; min: number }[];
  private readonly momenta: { max: number; base: number } | null;

  constructor(optimizer: AnyOptimizer, o: OneCycleLROptions) {
    super(optimizer);
    const total = o.totalSteps ?? (o.epochs !== undefined && o.stepsPerEpoch !== undefined ? o.epochs * o.stepsPerEpoch : NaN);
    if (!(Number.isInteger(total) && total > 0))
      throw new ValueError(`OneCycleLR: give totalSteps, or epochs and stepsPerEpoch, as positive integers.`);
    this.totalSteps = total;
    const pct = o.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`OneCycleLR: pctStart must be in [0, 1], got ${pct}.`);
    this.phases = o.threePhase
      ? [
          { endStep: pct * total - 1, startLr: "initial", endLr: "max", startM: "max", endM: "base" },
          { endStep: 2 * pct * total - 2, startLr: "max", endLr: "initial", startM: "base", endM: "max" },
          { endStep: total - 1, startLr: "initial", endLr: "min", startM: "max", endM: "max" },
        ]
      : [
          { endStep: pct * total - 1, startLr: "initial", endLr: "max", startM: "max", endM: "base" },
          { endStep: total - 1, startLr: "max", endLr: "min", startM: "base", endM: "max" },
        ];
    const strategy = o.annealStrategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear")
      throw new ValueError(`OneCycleLR: annealStrategy must be "cos" or "linear", got ${JSON.stringify(strategy)}.`);
    const nGroups = optimizer.paramGroups.length;
    if (Array.isArray(o.maxLr) && o.maxLr.length !== nGroups)
      throw new ValueError(
        `OneCycleLR: maxLr lists ${o.maxLr.length} values but the optimizer has ${nGroups} parameter groups. Give one per group, or a single number.`,
      );
    this.anneal = strategy === "cos" ? (s, e, p) => e + ((s - e) / 2) * (Math.cos(Math.PI * p) + 1) : (s, e, p) => (e - s) * p + s;
    const div = o.divFactor ?? 25,
      finalDiv = o.finalDivFactor ?? 1e4;
    this.groupLrs = optimizer.paramGroups.map((g, i) => {
      const max = Array.isArray(o.maxLr) ? o.maxLr[i]! : o.maxLr;
      const initial = max / div;
      g.lr = initial;
      return { initial, max, min: initial / finalDiv };
    });
    const cycle = o.cycleMomentum ?? true;
    this.momenta = cycle ? { max: o.maxMomentum ?? 0.95, base: o.baseMomentum ?? 0.85 } : null;
    if (this.momenta) {
      for (const g of optimizer.paramGroups as unknown as Record<string, unknown>[]) {
        if (!("momentum" in g) && !("betas" in g))
          throw new ValueError(
            `OneCycleLR: optimizer has neither momentum nor betas, so momentum cannot be cycled. Pass cycleMomentum: false.`,
          );
        setMomentum(g, this.momenta.max);
      }
    }
    this.init();
  }

  protected computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ValueError(
        `OneCycleLR: tried to step ${step} times, but totalSteps is ${this.totalSteps}. Create the scheduler with the number of optimizer steps you will take.`,
      );
    }
    let start = 0;
    const out: number[] = [];
    for (const [i, ph] of this.phases.entries()) {
      if (step <= ph.endStep || i === this.phases.length - 1) {
        const pct = (step - start) / (ph.endStep - start);
        this.optimizer.paramGroups.forEach((g, gi) => {
          const lrs = this.groupLrs[gi]!;
          out.push(this.anneal(lrs[ph.startLr], lrs[ph.endLr], pct));
          if (this.momenta)
            setMomentum(g as unknown as Record<string, unknown>, this.anneal(this.momenta[ph.startM], this.momenta[ph.endM], pct));
        });
        break;
      }
      start = ph.endStep;
    }
    return out;
  }
}

/** SGD/RMSprop keep momentum in `momentum`; Adam-like optimizers in betas[0]. */
function setMomentum(g: Record<string, unknown>, m: number): void {
  if (Array.isArray(g.betas)) g.betas = [m, (g.betas as number[])[1]];
  else g.momentum = m;
}
