// torch.nn's counterpart: Module and Parameter, layers, init, and the functional namespace F.

import * as functional from "./functional.js";
import * as init from "./init.js";

export const F = functional;
export { functional, init };
export { Module, Parameter, type StateDict, type LoadResult } from "./module.js";
export { Linear, Flatten, Identity, Dropout, Dropout2d, ReLU, Sigmoid, Tanh, SiLU, LeakyReLU, ELU, GELU, Softplus, Softmax, LogSoftmax, Sequential, ModuleList, type TensorModule } from "./layers.js";
