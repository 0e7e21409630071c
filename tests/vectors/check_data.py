#!/usr/bin/env python3
"""Independent checker of tests/vectors/data.json against docs/data.md, written from the spec, not the TS.

Uses hashlib always; `cryptography` (AES-GCM, X25519) and the system libsodium (sealed box, via ctypes)
when present, and says which checks it skipped. Prints `OK ...` and exits 0, or lists failures and exits 1.
Run: python3 tests/vectors/check_data.py [path/to/data.json]
"""
import ctypes
import ctypes.util
import hashlib
import json
import math
import struct
import sys
from pathlib import Path

try:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives import serialization
except ImportError:  # hashlib-only checks
    AESGCM = None

# docs/data.md, "Manifest": (name, offset, size) of the fixed body, little-endian integers.
LAYOUT = [
    ("magic", 0, 4), ("version", 4, 1), ("suite", 5, 1), ("compression", 6, 1), ("flags", 7, 1),
    ("id", 8, 16), ("noncePrefix", 24, 4), ("chunkSize", 28, 4), ("chunkCount", 32, 4),
    ("compressedSize", 36, 8), ("plaintextSize", 44, 8), ("recordCount", 52, 8),
    ("contentHash", 60, 32), ("merkleRoot", 92, 32), ("formatLength", 124, 1),
]
FIXED = 125
COMPRESSION = {0: "none", 1: "zstd", 2: "brotli"}
KEY_COMMITMENT_DOMAIN = b"lumora/data/v1/key-commitment"
TAG_COUNTER = 2**64 - 1
failures = []
skipped = set()


def check(cond, what):
    if not cond:
        failures.append(what)


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def parse_manifest(b):
    m = {}
    for name, off, size in LAYOUT:
        raw = b[off:off + size]
        m[name] = int.from_bytes(raw, "little") if name in ("version", "suite", "compression", "flags", "chunkSize",
                                                             "chunkCount", "compressedSize", "plaintextSize",
                                                             "recordCount", "formatLength") else raw
    L = m["formatLength"]
    assert len(b) == FIXED + L + 32 + 16, "manifest length"
    m["format"] = b[FIXED:FIXED + L].decode("ascii")
    m["body"] = b[:FIXED + L]
    m["keyCommitment"] = b[FIXED + L:FIXED + L + 32]
    m["tag"] = b[FIXED + L + 32:]
    return m


def mth(leaves):
    """RFC 6962 Merkle Tree Hash over chunk hashes: leaf = H(0x00 || chunk hash), node = H(0x01 || l || r)."""
    if len(leaves) == 1:
        return sha256(b"\x00", leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01", mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, chunk_hash, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, sha256(b"\x00", chunk_hash)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01", p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha256(b"\x01", r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def decompress(name, blob):
    if name == "none":
        return blob
    try:
        if name == "zstd":
            try:
                from compression import zstd  # Python 3.14
                return zstd.decompress(blob)
            except ImportError:
                import zstandard
                return zstandard.ZstdDecompressor().decompress(blob)
        if name == "brotli":
            import brotli
            return brotli.decompress(blob)
    except ImportError:
        skipped.add(f"{name} decompression (no module)")
        return None
    raise ValueError(name)


def check_dataset(v):
    n = v["name"]
    mb = bytes.fromhex(v["manifestHex"])
    m = parse_manifest(mb)
    key, plaintext = bytes.fromhex(v["keyHex"]), bytes.fromhex(v["plaintextHex"])
    chunks = [bytes.fromhex(c) for c in v["chunksHex"]]
    check(m["magic"] == b"LUMD" and m["version"] == 1 and m["suite"] == 1 and m["flags"] == 0, f"{n}: header")
    check(COMPRESSION[m["compression"]] == v["compression"], f"{n}: compression id")
    check(m["id"].hex() == v["idHex"] and m["noncePrefix"].hex() == v["noncePrefixHex"], f"{n}: id / nonce prefix")
    check(m["chunkSize"] == v["chunkSize"] and m["chunkCount"] == len(chunks), f"{n}: chunk size / count")
    check(m["chunkCount"] == max(1, math.ceil(m["compressedSize"] / m["chunkSize"])), f"{n}: chunk count rule")
    check(m["plaintextSize"] == len(plaintext) and m["recordCount"] == v["recordCount"], f"{n}: sizes")
    check(m["format"] == v["format"], f"{n}: format")
    check(m["contentHash"] == sha256(plaintext), f"{n}: content hash")
    check(sha256(mb).hex() == v["manifestHashHex"], f"{n}: manifest hash")
    check(m["body"].hex() == v["manifestBodyHex"], f"{n}: manifest body")
    check(m["keyCommitment"] == sha256(KEY_COMMITMENT_DOMAIN, key), f"{n}: key commitment")
    hashes = [sha256(c) for c in chunks]
    check([h.hex() for h in hashes] == v["chunkHashesHex"], f"{n}: chunk hashes")
    check(mth(hashes) == m["merkleRoot"], f"{n}: Merkle root (RFC 6962)")
    for i, path in enumerate(v["proofsHex"]):
        check(verify_inclusion(i, len(chunks), hashes[i], [bytes.fromhex(p) for p in path], m["merkleRoot"]),
              f"{n}: proof {i} (RFC 9162)")
    for i, c in enumerate(chunks):
        size = m["chunkSize"] if i < len(chunks) - 1 else m["compressedSize"] - i * m["chunkSize"]
        check(len(c) == size + 16, f"{n}: chunk {i} length")
    nonce = lambda ctr: m["noncePrefix"] + struct.pack("<Q", ctr)
    aad = lambda i: m["id"] + struct.pack("<Q", i) + bytes([1 if i == len(chunks) - 1 else 0])
    check([nonce(i).hex() for i in range(len(chunks))] == v["nonces"], f"{n}: nonces")
    check([aad(i).hex() for i in range(len(chunks))] == v["aads"], f"{n}: associated data")
    if AESGCM is None:
        skipped.add("AES-GCM (no cryptography module)")
        return
    gcm = AESGCM(key)
    check(gcm.encrypt(nonce(TAG_COUNTER), b"", m["body"]) == m["tag"], f"{n}: manifest tag (GMAC)")
    stream = b"".join(gcm.decrypt(nonce(i), c, aad(i)) for i, c in enumerate(chunks))
    check(len(stream) == m["compressedSize"], f"{n}: compressed size")
    out = decompress(v["compression"], stream)
    if out is not None:
        check(out == plaintext, f"{n}: plaintext")
    # A chunk moved to another index, or flagged final when it is not, must not open.
    if len(chunks) > 1:
        try:
            gcm.decrypt(nonce(0), chunks[0], m["id"] + struct.pack("<Q", 0) + b"\x01")
            failures.append(f"{n}: chunk 0 opened with the final flag set")
        except Exception:
            pass


def check_sealed(s):
    sealed = bytes.fromhex(s["sealedHex"])
    rsk, rpk = bytes.fromhex(s["recipientSecretKeyHex"]), bytes.fromhex(s["recipientPublicKeyHex"])
    check(len(sealed) == 81 and sealed[0] == 1, "sealed: length / version")
    check(sealed[1:33].hex() == s["ephemeralPublicKeyHex"], "sealed: ephemeral public key")
    if AESGCM is not None:
        pub = lambda sk: X25519PrivateKey.from_private_bytes(sk).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        check(pub(rsk) == rpk, "sealed: recipient x25519 public key")
        check(pub(bytes.fromhex(s["ephemeralSecretKeyHex"])) == sealed[1:33], "sealed: ephemeral x25519 public key")
    path = ctypes.util.find_library("sodium")
    if path is None:
        skipped.add("sealed box open (no libsodium)")
        return
    sodium = ctypes.CDLL(path)
    check(sodium.sodium_init() >= 0, "sealed: sodium_init")
    box = sealed[1:]
    out = ctypes.create_string_buffer(len(box) - 48)
    rc = sodium.crypto_box_seal_open(out, box, ctypes.c_ulonglong(len(box)), rpk, rsk)
    check(rc == 0 and out.raw.hex() == s["keyHex"], "sealed: libsodium crypto_box_seal_open")


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("data.json")
    v = json.loads(path.read_text())
    check([(k, v["constants"]["manifestOffsets"][k]) for k, _, _ in LAYOUT] == [(k, o) for k, o, _ in LAYOUT],
          "constants: manifest offsets")
    check(v["constants"]["manifestOffsets"]["format"] == FIXED, "constants: body length")
    for d in v["datasets"]:
        try:
            check_dataset(d)
        except Exception as e:  # e.g. InvalidTag from AES-GCM
            failures.append(f"{d['name']}: {type(e).__name__} {e}")
    check_sealed(v["sealedKey"])
    if failures:
        print("FAIL\n" + "\n".join(failures))
        return 1
    extra = f"; skipped: {', '.join(sorted(skipped))}" if skipped else ""
    print(f"OK {len(v['datasets'])} datasets and a sealed key{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
