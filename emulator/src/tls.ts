// TLS material for the emulator: on first start it mints a CA and a server certificate
// (SAN: DNS localhost, IP 127.0.0.1, IP ::1) and keeps them in the data dir; the CA is written to
// <dataDir>/ca.pem for clients. A user-supplied cert/key pair replaces all of this.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";

/** The PEM material the server needs, plus what a client must trust. */
export interface TlsMaterial {
  /** PEM of the certificate (chain) the server presents. */
  certPem: string;
  /** PEM of its private key. */
  keyPem: string;
  /** PEM a client should trust (the minted CA, or the supplied certificate). */
  caPem: string;
  /** Path of a file holding `caPem`. */
  caFile: string;
}

/** File names inside the data dir. */
export const TLS_FILES = { ca: "ca.pem", caKey: "ca-key.pem", cert: "server.pem", key: "server-key.pem" } as const;

/** Loads a user-supplied certificate and key; the certificate file doubles as the client's CA file. */
export function loadTlsFiles(certFile: string, keyFile: string): TlsMaterial {
  const certPem = readFileSync(certFile, "utf8");
  const keyPem = readFileSync(keyFile, "utf8");
  new X509Certificate(certPem); // fail early with a clear error on a bad file
  return { certPem, keyPem, caPem: certPem, caFile: certFile };
}

function stillValid(pem: string, minDaysLeft: number): boolean {
  try {
    const cert = new X509Certificate(pem);
    return new Date(cert.validTo).getTime() - Date.now() > minDaysLeft * 86_400_000;
  } catch {
    return false;
  }
}

/** Returns the data dir's CA and server certificate, minting (or renewing) them as needed. */
export async function ensureTlsMaterial(dataDir: string): Promise<TlsMaterial> {
  const path = (name: keyof typeof TLS_FILES) => join(dataDir, TLS_FILES[name]);
  const { generate } = await import("selfsigned");

  let caPem: string;
  let caKeyPem: string;
  if (existsSync(path("ca")) && existsSync(path("caKey")) && stillValid(readFileSync(path("ca"), "utf8"), 30)) {
    caPem = readFileSync(path("ca"), "utf8");
    caKeyPem = readFileSync(path("caKey"), "utf8");
  } else {
    const now = new Date();
    const ca = await generate([{ name: "commonName", value: "StrongDoc Emulator Local CA" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - 3_600_000),
      notAfterDate: new Date(now.getTime() + 10 * 365 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    caPem = ca.cert;
    caKeyPem = ca.private;
    writeFileSync(path("caKey"), caKeyPem, { mode: 0o600 });
    writeFileSync(path("ca"), caPem);
    // A new CA invalidates any old server certificate.
    if (existsSync(path("cert"))) writeFileSync(path("cert"), "");
  }

  if (existsSync(path("cert")) && existsSync(path("key")) && stillValid(readFileSync(path("cert"), "utf8"), 7)) {
    return { certPem: readFileSync(path("cert"), "utf8"), keyPem: readFileSync(path("key"), "utf8"), caPem, caFile: path("ca") };
  }
  const now = new Date();
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 3_600_000),
    notAfterDate: new Date(now.getTime() + 2 * 365 * 86_400_000),
    ca: { key: caKeyPem, cert: caPem },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  writeFileSync(path("key"), server.private, { mode: 0o600 });
  writeFileSync(path("cert"), server.cert);
  return { certPem: server.cert, keyPem: server.private, caPem, caFile: path("ca") };
}
