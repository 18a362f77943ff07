// Bench-only TCP proxy that adds a fixed one-way delay in each direction, to run the streaming
// benchmarks as if client and server were a network round trip apart (TLS passes through
// untouched). Loopback hides what lock-step costs and what HTTP/2 flow-control windows limit;
// a few milliseconds of RTT shows both. Once listening it prints the STRONGDOC_HOST/PORT/CA_FILE
// lines a client needs (the CA file is the server's, passed through).
// Usage: node --import tsx bench/delay-proxy.ts --target-port P --ca-file F [--target-host 127.0.0.1] [--delay-ms 5]
import { createConnection, createServer, type Socket } from "node:net";
import { parseArgs } from "node:util";

const MAX_QUEUED = 16 * 1024 * 1024;

/** Forwards `src` to `dst` with `delayMs` added to every chunk, keeping order; pauses `src` if too much is queued. */
function pipeDelayed(src: Socket, dst: Socket, delayMs: number): void {
  let queued = 0;
  src.on("data", (chunk: Buffer) => {
    queued += chunk.length;
    if (queued > MAX_QUEUED) src.pause();
    setTimeout(() => {
      queued -= chunk.length;
      if (!dst.destroyed) dst.write(chunk);
      if (queued <= MAX_QUEUED / 2 && src.isPaused()) src.resume();
    }, delayMs);
  });
  src.on("end", () => setTimeout(() => dst.end(), delayMs + 1));
  src.on("error", () => dst.destroy());
  src.on("close", () => setTimeout(() => dst.destroy(), delayMs + 5));
}

function main(): void {
  const { values: a } = parseArgs({
    options: {
      "target-host": { type: "string", default: "127.0.0.1" },
      "target-port": { type: "string" },
      "delay-ms": { type: "string", default: "5" },
      "ca-file": { type: "string", default: "" },
    },
  });
  const delay = Number(a["delay-ms"]);
  const server = createServer((client) => {
    client.setNoDelay(true);
    const upstream = createConnection({ host: a["target-host"], port: Number(a["target-port"]) });
    upstream.setNoDelay(true);
    pipeDelayed(client, upstream, delay);
    pipeDelayed(upstream, client, delay);
  });
  server.listen(0, "127.0.0.1", () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : 0;
    process.stdout.write(`STRONGDOC_HOST=127.0.0.1\nSTRONGDOC_PORT=${port}\nSTRONGDOC_CA_FILE=${a["ca-file"]}\n`);
  });
  process.on("SIGTERM", () => process.exit(0));
}

main();
