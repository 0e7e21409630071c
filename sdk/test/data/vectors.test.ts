import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { data } from "../../src/index.js";
import { VECTORS_URL, buildDataset, buildSealedKey, buildVectors, SPECS } from "./vectors.js";

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));

if (process.env.LUMORA_WRITE_VECTORS === "1") {
  fs.writeFileSync(VECTORS_URL, JSON.stringify(await buildVectors(), null, 2) + "\n");
}
const V = JSON.parse(fs.readFileSync(VECTORS_URL, "utf8"));

describe("data: cross-check vectors (tests/vectors/data.json)", () => {
  it("records the format constants this code uses", async () => {
    expect(V.constants).to.deep.equal((await buildVectors()).constants);
  });

  for (const spec of SPECS) {
    const v = V.datasets.find((d: { name: string }) => d.name === spec.name);

    it(`${spec.name}: decrypts from the file's chunks and manifest to the plaintext`, async () => {
      expect(v, "dataset missing from the vector file").to.not.equal(undefined);
      const out = await data.decrypt({
        manifest: fromHex(v.manifestHex),
        key: fromHex(v.keyHex),
        chunks: v.chunksHex.map((c: string, index: number) => ({ index, data: fromHex(c), proof: v.proofsHex[index].map(fromHex) })),
        expectedManifestHash: fromHex(v.manifestHashHex),
      });
      expect(Buffer.from(out).toString("hex")).to.equal(v.plaintextHex);
    });

    if (spec.compression === "none") {
      it(`${spec.name}: is reproduced byte for byte (chunks, root, proofs, manifest)`, async () => {
        expect(await buildDataset(spec)).to.deep.equal(v);
      });
    } else {
      it(`${spec.name}: everything but the compressor's bytes is reproduced`, async () => {
        const got = await buildDataset(spec);
        for (const field of ["keyHex", "idHex", "noncePrefixHex", "contentHashHex", "keyCommitmentHex", "plaintextHex", "format", "recordCount"]) {
          expect(got[field as keyof typeof got], field).to.deep.equal(v[field]);
        }
      });
    }
  }

  it("sealed key: reproduced byte for byte and opens to the data key", () => {
    expect(buildSealedKey()).to.deep.equal(V.sealedKey);
    const key = data.openKey({ sealed: fromHex(V.sealedKey.sealedHex), recipientSecretKey: fromHex(V.sealedKey.recipientSecretKeyHex) });
    expect(Buffer.from(key).toString("hex")).to.equal(V.sealedKey.keyHex);
  });

  it("an independent Python checker (hashlib + cryptography + libsodium) agrees", function () {
    const checker = new URL("../../../tests/vectors/check_data.py", import.meta.url);
    let python: string | undefined;
    for (const p of ["python3", "python"]) {
      try {
        execFileSync(p, ["--version"], { stdio: "ignore" });
        python = p;
        break;
      } catch {
        // try the next name
      }
    }
    if (python === undefined) this.skip();
    const out = execFileSync(python, [checker.pathname], { encoding: "utf8" });
    expect(out).to.match(/^OK /m);
  });
});
