/**
 * The data gateway: how this page reaches the nodes' libp2p protocols today. Browsers cannot dial the
 * nodes' TCP listeners, and the nodes do not listen on a browser transport yet (docs/app.md, "What is
 * missing"), so `./lumora app` runs one libp2p peer (@lumora/network, as lumora-consumer does) and relays
 * two requests over HTTP:
 *   - `POST /gateway/spec`: a task spec's canonical bytes, put into the DHT under their SHA-256;
 *   - `POST /gateway/chunks`: a dataset's manifest and encrypted chunks by Merkle root from a locator.
 * The gateway is not trusted: the page hashes the spec itself (the hash it puts on chain), and checks the
 * manifest hash, every chunk against the Merkle root, the key commitment and AES-GCM in the browser
 * (`@lumora/sdk` data layer on WebCrypto) before any byte is shown. It never sees a key.
 */
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function call(url: string, init: RequestInit): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw new Error(`the data gateway at ${url} cannot be reached (${(e as Error).message}): is \`./lumora app\` running?`);
  }
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try {
      msg = ((await r.json()) as { error?: string }).error ?? msg;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(`data gateway: ${msg}`);
  }
  return r;
}

/** Puts a spec's canonical bytes into the DHT; resolves to how many peers stored it. */
export async function publishSpec(gateway: string, specBytes: Uint8Array): Promise<{ stored: number; specHash: string }> {
  const r = await call(`${gateway}/spec`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: specBytes as BodyInit });
  return (await r.json()) as { stored: number; specHash: string };
}

/** A dataset's manifest, encrypted chunks and chunk hashes, as the node served them (not yet verified). */
export interface FetchedChunks {
  manifest: Uint8Array;
  chunks: Uint8Array[];
  chunkHashes: Uint8Array[];
  provider: string;
}

/** Fetches a dataset by Merkle root from the node at `locator` (a libp2p multiaddr with /p2p/). */
export async function fetchChunks(gateway: string, args: { root: string; locator: string }): Promise<FetchedChunks> {
  const r = await call(`${gateway}/chunks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(args) });
  const j = (await r.json()) as { manifest: string; chunks: string[]; chunkHashes: string[]; provider: string };
  return { manifest: b64(j.manifest), chunks: j.chunks.map(b64), chunkHashes: j.chunkHashes.map(b64), provider: j.provider };
}

/** A task spec from the DHT by its hash (hex); the page checks the bytes hash to it. */
export async function fetchSpec(gateway: string, specHash: string): Promise<Uint8Array> {
  const r = await call(`${gateway}/spec/${specHash}`, { method: "GET" });
  return new Uint8Array(await r.arrayBuffer());
}
