// The linear autoregressive baseline of the forecaster: AR(tau) fitted by least squares on the
// training months and run one step ahead on the test months (each forecast reads the actual
// previous tau values), the protocol the LSTM uses. The model is public API in src/data
// (tl.data.fitAr / arOneStep); this module names it for the CLI.
export { type ArFit, arOneStep, fitAr, leastSquares } from "../data/autoregressive.js";
