/**
 * tensorloom/frame/arrow: Apache Arrow in and out (needs the apache-arrow package, a dependency).
 *
 * @module tensorloom/frame/arrow
 */
export { toArrow, fromArrow, toArrowIPC, readArrowIPC, readArrowIPCStream, toArrowIPCStream } from "./io/arrow.js";
