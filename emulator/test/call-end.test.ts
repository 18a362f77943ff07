// How calls end, as the log and the meter see them: a message over the receive limit is logged
// with the RESOURCE_EXHAUSTED the client got (not CANCELLED), and stopping the emulator while
// streams are in flight lets them finish — logged and metered — before the database closes, with
// no "database connection is not open" failures.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { BidiReader, LogTap, call, connect, expectCode, inspectDb, newOrg, start, upload } from "./helpers";

const MiB = 1024 * 1024;

test("a message over the receive limit is logged as RESOURCE_EXHAUSTED, as the client sees it", async () => {
  const tap = new LogTap();
  const emu = await start({ quiet: false, log: tap.log });
  const client = connect(emu);
  try {
    const org = await newOrg(client);
    await expectCode(upload(client, org.md, "too-big", Buffer.alloc(33 * MiB), 33 * MiB), grpc.status.RESOURCE_EXHAUSTED);
    const line = await tap.waitFor(/ UploadDocumentStream org=/);
    assert.match(line, /status=RESOURCE_EXHAUSTED/);
    assert.deepEqual((await call(client, "listDocuments", {}, org.md)).documents, [], "nothing kept");
  } finally {
    client.close();
    await emu.stop();
  }
});

test("stopping the emulator mid-stream: in-flight calls finish, are logged and metered, then the database closes", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "sd-stop-"));
  const tap = new LogTap();
  const emu = await start({ dataDir, quiet: false, log: tap.log });
  const client = connect(emu);
  try {
    const org = await newOrg(client);
    // An encrypt stream whose handler is certainly running: its reply #1 has arrived.
    const enc = client.encryptDocumentStream(org.md);
    enc.on("error", () => {});
    const reader = new BidiReader<any>(enc);
    enc.write({ NameOrData: { $case: "docName", docName: "in-flight.txt" } });
    assert.ok(await reader.next(), "reply #1");
    enc.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(64 * 1024, 1) } });
    // And an upload left open.
    const up = client.uploadDocumentStream(org.md, () => {});
    up.on("error", () => {});
    up.write({ NameOrData: { $case: "docName", docName: "open-upload.bin" } });
    up.write({ NameOrData: { $case: "plaintext", plaintext: Buffer.alloc(MiB, 2) } });
    await call(client, "listDocuments", {}, org.md); // the connection has carried those messages

    await emu.stop();
    const failures = tap.lines.filter((l) => /failed|not open|internal error/i.test(l));
    assert.deepEqual(failures, []);
    assert.ok(tap.lines.some((l) => / EncryptDocumentStream org=/.test(l)), "the stream's log line was written");
    const metered = await inspectDb(dataDir, (db) =>
      db.prepare("SELECT count(*) AS n FROM usage_calls WHERE org_id = ? AND uri LIKE '%/EncryptDocumentStream'").get(org.orgId),
    );
    assert.deepEqual(metered, { n: 1 }, "and it was metered before the database closed");
  } finally {
    client.close();
    await emu.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
