export { type DemoOptions, type DemoReport, runDemo } from "./demo.js";
export { computeUnitsByInstruction, type CuRow } from "./cu.js";
export { type NodeProc, type NodeTemplate, freePort, heldTotals, initNode, startNode, stopNode, stopNodes, until } from "./nodes.js";
