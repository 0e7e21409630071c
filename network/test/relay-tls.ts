// A throw-away test CA and a server certificate it signs, made with the openssl CLI (no npm package):
// the relay tests check that TLS stays end to end (the executor verifies the site's certificate through
// the provider, which only moves ciphertext).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestCa {
  /** PEM of the CA certificate (the executor trusts it). */
  ca: string;
  /** PEM of the server key and certificate (for `names`, signed by the CA). */
  key: string;
  cert: string;
}

/** Generates a CA and a certificate for `names` (DNS names and IP addresses) with openssl. */
export function makeTestCa(names: string[]): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lumora-relay-ca-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Lumora relay test CA");
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", `/CN=${names[0]}`);
    const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
    fs.writeFileSync(path.join(dir, "ext.cnf"), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf");
    return { ca: fs.readFileSync(path.join(dir, "ca.pem"), "utf8"), key: fs.readFileSync(path.join(dir, "srv.key"), "utf8"), cert: fs.readFileSync(path.join(dir, "srv.pem"), "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
