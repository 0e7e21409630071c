/** Small helpers shared by the consumer's modules. */
export const hex = (b: Uint8Array | number[]) => Buffer.from(Uint8Array.from(b)).toString("hex");
export const big = (v: { toString(): string }) => BigInt(v.toString());
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
