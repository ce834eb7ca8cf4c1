// torch.nn's counterpart. So far: the functional namespace F. Modules arrive with the CNN and
// RNN issues.

import * as functional from "./functional.js";

export const F = functional;
export { functional };
