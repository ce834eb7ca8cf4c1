// Hands the core's tensor constructor to the frame (ml/bridge.ts): imported for its effect by the
// core's entry (src/index.ts) and by "tensorloom/frame/ml", never by "tensorloom/frame".

import { tensor } from "../../tensor/create.js";
import { provideTensor } from "./bridge.js";

provideTensor((values, shape, dtype) => tensor(values, { shape, dtype }));
