/** Test-only: computes a manifest tag with the real key, to build datasets a lying producer could make. */
import { manifestTag } from "../../src/data/aead.js";
import { encodeManifestBody, type Manifest } from "../../src/data/manifest.js";

export function manifestTagFor(key: Uint8Array, manifest: Manifest): Uint8Array {
  return manifestTag(key, manifest.noncePrefix, encodeManifestBody({ manifest }));
}
