/** Shared pieces of the facade's suites: raw JSON-RPC calls, funded keys, a quiet Connection. */
import { Connection, Keypair, type PublicKey, SystemProgram } from "@solana/web3.js";
import type { PreloadAccount } from "../../index.js";

/** Sends one raw JSON-RPC body (object or batch) and returns the parsed response. */
export async function rpc(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return res.json();
}

/** One JSON-RPC call; returns `{ result }` or `{ error }`. */
export function call(url: string, method: string, params?: unknown): Promise<{ result?: any; error?: { code: number; message: string; data?: any } }> {
  return rpc(url, { jsonrpc: "2.0", id: 1, method, ...(params === undefined ? {} : { params }) });
}

/** A system account holding `sol` SOL, to preload. */
export function funded(key: PublicKey, sol = 100): PreloadAccount {
  return { address: key, lamports: sol * 1e9, data: new Uint8Array(), owner: SystemProgram.programId };
}

/** A web3.js Connection that closes its WebSocket when the suite ends (no reconnect noise after the server stops). */
export function connect(url: string, opened: Connection[]): Connection {
  const c = new Connection(url, "confirmed");
  opened.push(c);
  return c;
}

/** Closes the Connections' WebSockets (web3.js keeps reconnecting otherwise). */
export function closeAll(opened: Connection[]): void {
  for (const c of opened) (c as unknown as { _rpcWebSocket: { close(): void } })._rpcWebSocket.close();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` returns a value (polling), or fails after `ms`. */
export async function until<T>(what: string, check: () => T | undefined | null | false, ms = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export { Keypair };
