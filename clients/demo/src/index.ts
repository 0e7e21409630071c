export { type DemoOptions, type DemoReport, runDemo } from "./demo.js";
export { computeUnitsByInstruction, type CuRow } from "./cu.js";
