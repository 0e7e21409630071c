/**
 * Compute units per instruction, read back from the ledger through plain JSON-RPC
 * (`getSignaturesForAddress` on each program, then `getTransaction`): works the same on the embedded
 * chain and on a cluster. A transaction's CU is attributed to the Lumora instruction its logs name
 * (`Program log: Instruction: X` right after the program's invoke at depth 1).
 */
import type { Connection, PublicKey } from "@solana/web3.js";

export interface CuRow {
  program: string;
  instruction: string;
  count: number;
  median: number;
  min: number;
  max: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.floor((s[m - 1]! + s[m]!) / 2);
}

const camel = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

export async function computeUnitsByInstruction(connection: Connection, programs: Record<string, PublicKey>): Promise<CuRow[]> {
  const samples = new Map<string, { program: string; instruction: string; cu: number[] }>();
  const seen = new Set<string>();
  for (const [name, id] of Object.entries(programs)) {
    let before: string | undefined;
    for (;;) {
      const page = await connection.getSignaturesForAddress(id, { limit: 1_000, before });
      if (page.length === 0) break;
      for (const s of page) {
        if (seen.has(s.signature) || s.err) continue;
        seen.add(s.signature);
        const tx = await connection.getTransaction(s.signature, { maxSupportedTransactionVersion: 0, commitment: "confirmed" });
        const logs = tx?.meta?.logMessages ?? [];
        const cu = tx?.meta?.computeUnitsConsumed;
        if (cu === undefined) continue;
        // the first top-level Lumora instruction of the transaction names it
        for (let i = 0; i < logs.length; i++) {
          const m = /^Program (\w+) invoke \[1\]$/.exec(logs[i]!);
          if (!m) continue;
          const prog = Object.entries(programs).find(([, p]) => p.toBase58() === m[1])?.[0];
          const ix = /^Program log: Instruction: (\w+)$/.exec(logs[i + 1] ?? "");
          if (!prog || !ix) continue;
          const key = `${prog}.${ix[1]}`;
          const row = samples.get(key) ?? { program: prog, instruction: camel(ix[1]!), cu: [] };
          row.cu.push(cu);
          samples.set(key, row);
          break;
        }
      }
      before = page.at(-1)!.signature;
      if (page.length < 1_000) break;
    }
    void name;
  }
  return [...samples.values()]
    .map((r) => ({ program: r.program, instruction: r.instruction, count: r.cu.length, median: median(r.cu), min: Math.min(...r.cu), max: Math.max(...r.cu) }))
    .sort((a, b) => a.program.localeCompare(b.program) || a.instruction.localeCompare(b.instruction));
}
