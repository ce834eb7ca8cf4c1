// The small CNN used by the safetensors round-trip tests, built from nn modules with the same
// structure and state-dict keys as the PyTorch model in scripts/fixtures/make_safetensors_refs.py.
import * as tl from "../../src/index.js";

export class TinyCnn extends tl.nn.Module {
  readonly conv1 = this.registerModule("conv1", new tl.nn.Conv2d(1, 4, 3));
  readonly bn = this.registerModule("bn", new tl.nn.BatchNorm2d(4));
  readonly fc = this.registerModule("fc", new tl.nn.Linear(36, 3));
  forward(x: tl.Tensor): tl.Tensor {
    return this.fc.forward(tl.F.maxPool2d(this.bn.forward(this.conv1.forward(x)).relu(), { kernelSize: 2 }).flatten(1));
  }
}
