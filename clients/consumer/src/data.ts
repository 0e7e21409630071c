/**
 * The consumer's data: fetch a settled task's result (chunks from the executors, verified against the
 * revealed Merkle root and content hash), open the sealed data key, decrypt, and write it as JSONL or CSV.
 */
import fs from "node:fs";
import path from "node:path";
import type { PublicKey } from "@solana/web3.js";
import { TASK_STATUS, data as sdkData, taskStatusName } from "@lumora/sdk";
import type { Consumer } from "./consumer.js";
import { ConsumerError, InputError } from "./errors.js";
import { fetchChunks } from "./network.js";
import { revealedResults } from "./tasks.js";
import { hex } from "./util.js";

export interface FetchDataResult {
  bytes: number;
  records: number;
  /** Node keys of the executors the chunks came from. */
  providers: string[];
  chunks: number;
  manifestHash: string;
  merkleRoot: string;
  contentHash: string;
  format: "jsonl" | "csv";
  out: string | null;
  /** The data key (hex): needed to sell the data; never printed by the CLI. */
  key: Uint8Array;
  /** The plaintext as written (in `format`). */
  data: Uint8Array;
}

/** Splits JSONL or CSV plaintext into records (the SDK's records codec: `data.parseRecords`). */
export const parseRecords = sdkData.parseRecords;

/** Converts records between the two output formats (the SDK's records codec: `data.convertRecords`). */
export const convertRecords = sdkData.convertRecords;

/**
 * The output format of decrypted bytes. The executors label every manifest `data.RESULT_MEDIA_TYPE`
 * whatever the spec's format, so the bytes decide (`data.detectRecordFormat`).
 */
export function formatOf(plain: Uint8Array): "jsonl" | "csv" {
  return sdkData.detectRecordFormat(plain);
}

/** Writes the output file (its folder created), if one was asked for. */
export function writeOut(text: Uint8Array, out: string | undefined): void {
  if (!out) return;
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, text);
}

/** Fetches, verifies and decrypts a task's result; writes it to `out` in `format` (default: the spec's). */
export async function fetchData(c: Consumer, task: PublicKey, opts: { format?: "jsonl" | "csv"; out?: string } = {}): Promise<FetchDataResult> {
  const { t, results } = await revealedResults(c, task);
  if (results.length === 0) throw new InputError(`task ${task.toBase58()} has no revealed result yet: wait with \`task watch ${task.toBase58()}\``);
  // keys go out only after settlement (fair exchange): the agreeing results whose key was released
  if (t.status !== TASK_STATUS.SETTLED) throw new InputError(`task ${task.toBase58()} is ${taskStatusName(t.status)}: data keys are released after settlement; wait with \`task watch ${task.toBase58()}\``);
  const usable = results.filter((r) => r.agrees && r.keyReleased);
  if (usable.length === 0) throw new InputError(`no agreeing executor of ${task.toBase58()} has released its key yet: wait with \`task watch ${task.toBase58()}\``);
  const hashes = new Set(usable.map((r) => hex(r.result.contentHash as number[])));
  if (hashes.size !== 1) throw new ConsumerError(`agreeing executors revealed different content hashes: ${[...hashes].join(", ")}`);
  const errors: string[] = [];
  for (const r of usable) {
    try {
      const root = Uint8Array.from(r.result.merkleRoot as number[]);
      const got = await fetchChunks(c, root, [r.result.locator]);
      if (hex(got.manifest.contentHash) !== hex(r.result.contentHash as number[])) throw new ConsumerError("the manifest's content hash differs from the revealed one");
      if (BigInt(got.manifest.plaintextSize) !== BigInt(r.result.byteCount.toString())) throw new ConsumerError("the manifest's size differs from the revealed byte count");
      const key = sdkData.openKey({ sealed: Uint8Array.from(r.result.sealedKey), recipientSecretKey: c.x25519.secretKey, manifest: got.manifestBytes });
      const plain = await sdkData.decrypt({ manifest: got.manifestBytes, key, chunks: got.chunks, chunkHashes: got.chunkHashes });
      const from = formatOf(plain);
      const format = opts.format ?? from;
      const text = new TextEncoder().encode(convertRecords(new TextDecoder().decode(plain), from, format));
      writeOut(text, opts.out);
      c.progress(`decrypted ${plain.length} bytes${opts.out ? ` → ${opts.out}` : ""}`);
      return {
        bytes: text.length,
        records: parseRecords(new TextDecoder().decode(plain), from).length,
        providers: [r.nodeKey.toBase58()],
        chunks: got.chunks.length,
        manifestHash: hex(sdkData.manifestHash({ bytes: got.manifestBytes })),
        merkleRoot: hex(root),
        contentHash: hex(got.manifest.contentHash),
        format,
        out: opts.out ?? null,
        key,
        data: text,
      };
    } catch (e) {
      errors.push(`${r.nodeKey.toBase58()}: ${(e as Error).message}`);
      c.progress(`result of ${r.nodeKey.toBase58()} unusable (${(e as Error).message}); trying the next`);
    }
  }
  throw new ConsumerError(`no result of ${task.toBase58()} could be fetched and decrypted: ${errors.join("; ")}`);
}
