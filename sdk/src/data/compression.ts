/**
 * Streaming compression through `node:zlib`: zstd where the runtime has it (Node ≥ 22.15), brotli
 * otherwise, or none. Memory is bounded by zlib's own buffers and the zstd window cap.
 * @internal
 * @module
 */
import { Readable, type Transform, pipeline } from "node:stream";
import * as zlib from "node:zlib";
import { BROTLI_QUALITY, type Compression, ZSTD_LEVEL, ZSTD_WINDOW_LOG } from "./constants.js";
import { UnsupportedCompressionError } from "./errors.js";

/** The zstd entry points, absent on Node before 22.15. */
const zstd = zlib as Partial<Pick<typeof zlib, "createZstdCompress" | "createZstdDecompress">>;

/** Whether this runtime can run `compression` in both directions. */
export function compressionAvailable(args: {
  /** Algorithm to check. */
  compression: Compression;
}): boolean {
  const c = args.compression;
  if (c === "zstd") return typeof zstd.createZstdCompress === "function" && typeof zstd.createZstdDecompress === "function";
  return c === "none" || c === "brotli";
}

/** `auto` resolved: zstd where available, brotli otherwise; explicit choices checked. */
export function resolveCompression(c: Compression | "auto"): Compression {
  if (c === "auto") return compressionAvailable({ compression: "zstd" }) ? "zstd" : "brotli";
  if (!compressionAvailable({ compression: c })) throw new UnsupportedCompressionError({ compression: c });
  return c;
}

function transformFor(c: Exclude<Compression, "none">, direction: "compress" | "decompress"): Transform {
  const K = zlib.constants;
  if (c === "zstd") {
    if (!compressionAvailable({ compression: "zstd" })) throw new UnsupportedCompressionError({ compression: c });
    return direction === "compress"
      ? zstd.createZstdCompress!({ params: { [K.ZSTD_c_compressionLevel]: ZSTD_LEVEL } })
      : zstd.createZstdDecompress!({ params: { [K.ZSTD_d_windowLogMax]: ZSTD_WINDOW_LOG } });
  }
  return direction === "compress"
    ? zlib.createBrotliCompress({ params: { [K.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
    : zlib.createBrotliDecompress();
}

/** A running (de)compression: its output, and how far it has read its input. */
export interface CodecStream {
  /** The transformed bytes. */
  output: AsyncIterable<Uint8Array>;
  /** Input bytes the codec has consumed so far (`null` without compression: output is input). */
  consumed(): number | null;
}

/**
 * Runs `source` through compression (or decompression) as a stream; with `none`, yields the source
 * as is. An error thrown by `source` surfaces unchanged through the output; so does an error of the
 * codec itself (callers that must tell them apart remember what their source threw).
 */
export function transformStream(args: {
  source: AsyncIterable<Uint8Array>;
  compression: Compression;
  direction: "compress" | "decompress";
}): CodecStream {
  const { source, compression, direction } = args;
  if (compression === "none") return { output: source, consumed: () => null };
  const codec = transformFor(compression, direction) as Transform & { bytesWritten: number };
  // highWaterMark 1: at most one source piece waits in front of the codec.
  const input = Readable.from(source, { objectMode: true, highWaterMark: 1 });
  pipeline(input, codec, () => {});
  return { output: codec, consumed: () => codec.bytesWritten };
}
