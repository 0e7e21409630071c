/**
 * Where the app talks to: the RPC endpoint (default: `/rpc` on the page's own origin, where `./lumora app`
 * proxies the embedded chain's JSON-RPC and WebSocket; any Solana RPC URL works, set in Settings or with
 * `?rpc=URL`) and the data gateway (`/gateway`, see gateway.ts). The SDK's client is built over the
 * connection with the connected wallet as signer.
 */
import { AnchorProvider } from "@coral-xyz/anchor";
import { Connection, Keypair, PublicKey, type Transaction, type VersionedTransaction } from "@solana/web3.js";
import { LumoraClient, fetchChainTime } from "@lumora/sdk";
import type { ConnectedWallet } from "./wallet.js";

export interface Endpoints {
  rpc: string;
  gateway: string;
}

const STORE = "lumora.endpoints";

/** The endpoints: `?rpc=`/`?gateway=` first, then what Settings saved, then the page's own origin. */
export function loadEndpoints(): Endpoints {
  const q = new URLSearchParams(location.search);
  let saved: Partial<Endpoints> = {};
  try {
    saved = JSON.parse(localStorage.getItem(STORE) ?? "{}") as Partial<Endpoints>;
  } catch {
    saved = {};
  }
  return {
    rpc: q.get("rpc") ?? saved.rpc ?? `${location.origin}/rpc`,
    gateway: q.get("gateway") ?? saved.gateway ?? `${location.origin}/gateway`,
  };
}

/** Checks and saves endpoints; returns a message per bad field (empty when saved). */
export function saveEndpoints(e: Endpoints): Partial<Record<keyof Endpoints, string>> {
  const errors: Partial<Record<keyof Endpoints, string>> = {};
  for (const k of ["rpc", "gateway"] as const) {
    try {
      const u = new URL(e[k]);
      if (u.protocol !== "http:" && u.protocol !== "https:") errors[k] = "must be an http(s) URL";
    } catch {
      errors[k] = "not a URL";
    }
  }
  if (Object.keys(errors).length === 0) localStorage.setItem(STORE, JSON.stringify(e));
  return errors;
}

/** A connection to `rpc`; a same-origin `/rpc` gets its WebSocket on the same path (the proxy serves both). */
export function connectionFor(rpc: string): Connection {
  const u = new URL(rpc);
  const sameOrigin = u.origin === location.origin;
  const ws = sameOrigin ? `${u.protocol === "https:" ? "wss:" : "ws:"}//${u.host}${u.pathname}` : undefined;
  return new Connection(rpc, { commitment: "confirmed", wsEndpoint: ws, disableRetryOnRateLimit: true });
}

/** A signer for read-only use (no wallet connected): it refuses to sign. */
const readOnly = {
  publicKey: Keypair.generate().publicKey,
  async signTransaction<T extends Transaction | VersionedTransaction>(_tx: T): Promise<T> {
    throw new Error("connect a wallet first");
  },
  async signAllTransactions<T extends Transaction | VersionedTransaction>(_txs: T[]): Promise<T[]> {
    throw new Error("connect a wallet first");
  },
};

/** The SDK client over `connection`, signing with `wallet` (read-only without one). */
export function clientFor(connection: Connection, wallet: ConnectedWallet | null): LumoraClient {
  const signer = wallet ?? readOnly;
  const provider = new AnchorProvider(connection, signer as never, { commitment: "confirmed" });
  return new LumoraClient({ provider });
}

export { formatLmr, parseLmr } from "./lmr.js";

export const short = (k: PublicKey | string, n = 4) => {
  const s = typeof k === "string" ? k : k.toBase58();
  return `${s.slice(0, n)}…${s.slice(-n)}`;
};

export const hex = (b: Uint8Array | number[]) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/** The chain's clock (unix seconds): the Clock sysvar's unix_timestamp (the SDK's reader). */
export async function chainNow(connection: Connection): Promise<bigint> {
  return fetchChainTime({ connection });
}
