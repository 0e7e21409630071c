/**
 * The published shape of `@lumora/sdk`: the tsup build (dist/) loads by package name through the
 * `exports` map under plain Node, as ESM and as CommonJS, with every layer present. Needs
 * `npm run build -w @lumora/sdk` first (tools/test.sh builds it).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect } from "chai";

const dist = new URL("../dist/", import.meta.url);
const probe = `
  const m = MOD;
  const need = ["idl", "pda", "instructions", "transactions", "constants", "data", "totals", "LumoraClient",
    "RegistryClient", "LumoraProgramError", "validateConfigParams", "PROGRAM_IDS"];
  const missing = need.filter((k) => !(k in m));
  if (missing.length) throw new Error("missing exports: " + missing.join(", "));
  const c = m.pda.configPda();
  console.log(JSON.stringify({ config: c.address.toBase58(), registry: m.PROGRAM_IDS.registry.toBase58() }));
`;
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: new URL("..", import.meta.url), encoding: "utf8" });

describe("@lumora/sdk package (dist, exports map)", () => {
  before(function () {
    if (!fs.existsSync(new URL("index.js", dist))) throw new Error("sdk/dist missing: run `npm run build -w @lumora/sdk`");
  });

  it("loads as ESM by package name", () => {
    const out = node(["--input-type=module", "-e", `import * as ns from "@lumora/sdk"; ${probe.replace("MOD", "ns")}`]);
    expect(JSON.parse(out).config).to.equal("9NdtqhNmbyVLjiNELUtWdHSK5HWqniuhwtuhWEZa1Ndf");
  });

  it("loads as CommonJS by package name", () => {
    const out = node(["-e", probe.replace("MOD", 'require("@lumora/sdk")')]);
    expect(JSON.parse(out).registry).to.equal("BQojAHzcMzsvm9j3cbcxYWHCATphZfxeaLF84kFVnRZP");
  });

  it("ships the IDL JSON files under ./idl/*.json", () => {
    const out = node(["-e", 'console.log(require("@lumora/sdk/idl/lumora_registry.json").metadata.name)']);
    expect(out.trim()).to.equal("lumora_registry");
  });

  it("declares the web3 libraries as peer dependencies, side-effect free", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.sideEffects).to.equal(false);
    expect(Object.keys(pkg.peerDependencies)).to.include.members(["@coral-xyz/anchor", "@solana/web3.js", "@solana/spl-token"]);
    expect(fs.readFileSync(new URL("index.js", dist), "utf8")).to.not.match(/class PublicKey\b/);
  });
});
