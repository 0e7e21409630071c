// Pieces shared by the benchmark's two processes (bench/run.ts, bench/provider.ts).
import net from "node:net";
import type { LumoraNode } from "../src/node.js";

export const MiB = 1024 * 1024;
/** The raw libp2p stream protocol of the benchmark: the chunks back to back, no Lumora framing. */
export const RAW_PROTOCOL = "/bench/raw/1";

/** Serves every chunk back to back on {@link RAW_PROTOCOL}: the ceiling js-libp2p itself sets (noise + yamux). */
export async function serveRaw(node: LumoraNode, chunks: Uint8Array[]): Promise<void> {
  await node.libp2p.handle(RAW_PROTOCOL, async (stream) => {
    for (const c of chunks) if (!stream.send(c)) await stream.onDrain();
    await stream.close();
  });
}

/** The baseline: a plain TCP server writing the same chunks to every connection, then closing it. */
export async function startTcpServer(chunks: Uint8Array[]): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((sock) => {
    let i = 0;
    const pump = () => {
      while (i < chunks.length) if (!sock.write(chunks[i++]!)) return void sock.once("drain", pump);
      sock.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Reads a whole TCP copy from `port`; returns MiB/s from connect to the last byte. */
export async function tcpCopy(port: number, total: number): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let got = 0;
    const sock = net.connect(port, "127.0.0.1");
    sock.on("data", (d) => void (got += d.length));
    sock.on("end", () => (got === total ? resolve() : reject(new Error(`tcp copy got ${got}/${total}`))));
    sock.on("error", reject);
  });
  return total / MiB / ((performance.now() - t0) / 1000);
}
