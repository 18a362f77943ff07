// Bench-only "sink" StrongDoc server: speaks the stream RPCs over TLS but does no storage and no
// crypto (upload counts, download sends pattern bytes, encrypt/decrypt echo each chunk back), plus
// just enough login/getUserInfo/listDocuments for the clients. It measures the transport ceiling
// of grpc-js on this machine and lets bench/sweep.ts try server-side HTTP/2 window settings that
// the real emulator does not expose. Prints STRONGDOC_HOST/PORT/CA_FILE lines like the emulator.
// Usage: node --import tsx bench/sink-server.ts [--port 0] [--stream-window B] [--conn-window B]
//        [--download-chunk B]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as http2 from "node:http2";
import { parseArgs } from "node:util";
import * as grpc from "@grpc/grpc-js";
import Long from "long";
import { StrongDocServiceService } from "../generated/strongdoc";
import { chunkAt, chunkCount } from "./lib/data";

/** Mints a throw-away self-signed P-256 certificate for localhost / 127.0.0.1 with openssl. */
function mintCert(dir: string): { cert: Buffer; key: Buffer; certFile: string } {
  const certFile = join(dir, "ca.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile };
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      "stream-window": { type: "string" },
      "conn-window": { type: "string" },
      "download-chunk": { type: "string", default: String(1024 * 1024) },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "strongdoc-sink-"));
  const { cert, key, certFile } = mintCert(dir);
  const downloadChunk = Number(a["download-chunk"]);
  const server = new grpc.Server({ "grpc.max_receive_message_length": 64 * 1024 * 1024 });
  const streamWindow = a["stream-window"] ? Number(a["stream-window"]) : undefined;
  const connWindow = a["conn-window"] ? Number(a["conn-window"]) : undefined;
  if (streamWindow) {
    // Private grpc-js field: the options every http2 server is created with (experiment only).
    (server as unknown as { commonServerOptions: http2.SecureServerOptions }).commonServerOptions.settings = {
      initialWindowSize: streamWindow,
    };
  }
  const echo = (field: "ciphertext" | "plaintext", caseIn: string) =>
    ((call: grpc.ServerDuplexStream<any, any>) => {
      call.on("data", (m: any) => {
        const o = m.NameOrData ?? m.IdOrData;
        const payload: Buffer = o.$case === caseIn ? o[caseIn] : Buffer.alloc(0);
        if (!call.write({ docID: "sink-doc", [field]: payload })) {
          call.pause();
          call.once("drain", () => call.resume());
        }
      });
      call.on("end", () => call.end());
    }) as grpc.handleBidiStreamingCall<any, any>;

  const impl: Partial<Record<keyof typeof StrongDocServiceService, unknown>> = {
    registerOrganization: (_c: unknown, cb: grpc.sendUnaryData<object>) =>
      cb(null, { orgID: "sink-org", userID: "sink-user", clientSecret: "" }),
    login: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { token: "sink-token" }),
    getUserInfo: (_c: unknown, cb: grpc.sendUnaryData<object>) =>
      cb(null, { userID: "sink-user", email: "sink@example.com", userName: "sink", orgID: "sink-org", isAdmin: true }),
    listDocuments: (_c: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { documents: [] }),
    uploadDocumentStream: (call: grpc.ServerReadableStream<any, any>, cb: grpc.sendUnaryData<object>) => {
      let bytes = 0;
      call.on("data", (m: any) => {
        if (m.NameOrData?.$case === "plaintext") bytes += m.NameOrData.plaintext.length;
      });
      call.on("end", () => cb(null, { docID: `sink-${bytes}`, bytes: Long.fromNumber(bytes) }));
    },
    downloadDocumentStream: (call: grpc.ServerWritableStream<any, any>) => {
      // docID "sink-<bytes>": stream that many pattern bytes, with back-pressure.
      const total = Number(/^sink-(\d+)$/.exec(call.request.docID)?.[1] ?? 0);
      const n = chunkCount(total, downloadChunk);
      let i = 0;
      const pump = () => {
        while (i < n) {
          const ok = call.write({ docID: call.request.docID, plaintext: chunkAt(i++, downloadChunk, total) });
          if (!ok) return void call.once("drain", pump);
        }
        call.end();
      };
      pump();
    },
    encryptDocumentStream: echo("ciphertext", "plaintext"),
    decryptDocumentStream: echo("plaintext", "ciphertext"),
  };
  server.addService(StrongDocServiceService as unknown as grpc.ServiceDefinition, impl as grpc.UntypedServiceImplementation);
  const creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }]);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync(`127.0.0.1:${a.port}`, creds, (e, p) => (e ? rej(e) : res(p))),
  );
  if (connWindow) {
    // Private grpc-js field: raise each new session's connection-level receive window.
    const servers = (server as unknown as { http2Servers: Map<http2.Http2SecureServer, unknown> }).http2Servers;
    for (const s of servers.keys()) s.on("session", (sess: http2.ServerHttp2Session) => sess.setLocalWindowSize(connWindow));
  }
  process.stdout.write(`STRONGDOC_HOST=127.0.0.1\nSTRONGDOC_PORT=${port}\nSTRONGDOC_CA_FILE=${certFile}\n`);
  const stop = () => server.tryShutdown(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  process.stderr.write(`sink-server: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
