// The emulator's HTTP/2 receive windows: a plain node:http2 client connecting over the emulator's
// TLS sees the widened per-stream window in the server's SETTINGS and the widened connection
// window once the server's WINDOW_UPDATE arrives (grpc-js alone would leave both at 64 KiB).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { once } from "node:events";
import { CONNECTION_WINDOW_BYTES, STREAM_WINDOW_BYTES } from "../src/flow-control";
import { startEmulator } from "../src/index";
import { useEmulator } from "./helpers";

const fx = useEmulator();

/** Polls `check` every few ms until it holds or `ms` pass; returns whether it held. */
async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

test("the server announces a 4 MiB stream window and opens an 8 MiB connection window", async () => {
  const session = http2.connect(`https://localhost:${fx.emu.port}`, { ca: fx.emu.caPem, servername: "localhost" });
  try {
    const [settings] = (await once(session, "remoteSettings")) as [http2.Settings];
    assert.equal(settings.initialWindowSize, STREAM_WINDOW_BYTES);
    // What this client may send on the connection before the server has to grant more.
    const widened = await eventually(() => (session.state.remoteWindowSize ?? 0) >= CONNECTION_WINDOW_BYTES, 5000);
    assert.ok(widened, `connection window stayed at ${session.state.remoteWindowSize} B`);
  } finally {
    session.close();
  }
});

describe("receiveWindowBytes: 65535 keeps HTTP/2's default windows", () => {
  const plain = useEmulator({ receiveWindowBytes: 65_535 });
  test("the server announces the default stream window", async () => {
    const session = http2.connect(`https://localhost:${plain.emu.port}`, { ca: plain.emu.caPem, servername: "localhost" });
    try {
      const [settings] = (await once(session, "remoteSettings")) as [http2.Settings];
      assert.equal(settings.initialWindowSize, 65_535);
    } finally {
      session.close();
    }
  });
});

test("receiveWindowBytes out of HTTP/2's range is refused, naming the option", async () => {
  for (const bad of [0, 1000, 2 ** 31, 1.5]) {
    await assert.rejects(startEmulator({ receiveWindowBytes: bad, quiet: true }), /receiveWindowBytes: expected an integer from 65535 to 2147483647 bytes/);
  }
});
