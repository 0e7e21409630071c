/**
 * The browser path's compression codec: it reads every manifest the Node side writes. zstd (the Node
 * default) is decompressed as a stream by `fzstd` (pure JavaScript, ~8 kB); brotli by the `brotli`
 * package's decoder, loaded on first use (it carries brotli's 120 kB dictionary) and run on the whole
 * compressed input at once. Browsers' `DecompressionStream` knows neither format (only gzip/deflate), and
 * no browser compresses zstd or brotli natively, so encryption in the browser writes `none`.
 * @internal
 * @module
 */
import { Decompress } from "fzstd";
import type { Compression } from "./constants.js";
import { UnsupportedCompressionError } from "./errors.js";
import type { CodecStream } from "./compression.js";

export type { CodecStream };

/** Whether this runtime can run `compression` in both directions: in a browser, only `none`. */
export function compressionAvailable(args: {
  /** Algorithm to check. */
  compression: Compression;
}): boolean {
  return args.compression === "none";
}

/** Whether this runtime can read data compressed with `compression`: every format the manifest knows. */
export function decompressionAvailable(args: {
  /** Algorithm to check. */
  compression: Compression;
}): boolean {
  return args.compression === "none" || args.compression === "zstd" || args.compression === "brotli";
}

/** `auto` resolved for encryption in a browser: `none`; an explicit zstd or brotli is refused. */
export function resolveCompression(c: Compression | "auto"): Compression {
  if (c === "auto") return "none";
  if (!compressionAvailable({ compression: c })) throw new UnsupportedCompressionError({ compression: c });
  return c;
}

/**
 * Decompresses `source` as a stream (`none`: the source as is). An error thrown by `source` surfaces
 * unchanged; a codec error surfaces as the codec's own error (the caller tells them apart).
 */
export function decompressStream(args: { source: AsyncIterable<Uint8Array>; compression: Compression }): CodecStream {
  const { source, compression } = args;
  if (compression === "none") return { output: source, consumed: () => null };
  let consumed = 0;
  if (compression === "zstd") {
    async function* zstd(): AsyncGenerator<Uint8Array> {
      const out: Uint8Array[] = [];
      const d = new Decompress((chunk) => {
        out.push(chunk);
      });
      for await (const piece of source) {
        d.push(piece);
        consumed += piece.length;
        while (out.length > 0) yield out.shift()!;
      }
      d.push(new Uint8Array(0), true); // throws on a truncated frame
      while (out.length > 0) yield out.shift()!;
    }
    return { output: zstd(), consumed: () => consumed };
  }
  if (compression === "brotli") {
    async function* brotli(): AsyncGenerator<Uint8Array> {
      const parts: Uint8Array[] = [];
      for await (const piece of source) {
        parts.push(piece);
        consumed += piece.length;
      }
      const all = new Uint8Array(consumed);
      let off = 0;
      for (const p of parts) {
        all.set(p, off);
        off += p.length;
      }
      const { decompress } = await import("brotli/decompress.js");
      yield Uint8Array.from(decompress(all));
    }
    return { output: brotli(), consumed: () => consumed };
  }
  throw new UnsupportedCompressionError({ compression });
}
