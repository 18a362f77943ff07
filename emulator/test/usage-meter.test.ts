// Tests for the usage meter's buffering: recorded calls are written in batches (timer, batch
// size, flushUsage before close), every billing read or delete sees the buffered calls, and an
// emulator's stop() writes what is still buffered before closing the database.

import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BillingService } from "../src/billing/billing-service";
import { USAGE_FLUSH_BATCH, USAGE_FLUSH_DELAY_MS, UsageMeter, flushUsage } from "../src/billing/usage-meter";
import { openTestDb, type TestDb } from "./search-fixtures";
import { call, connect, inspectDb, newOrg, start } from "./helpers";

const MB = 1024 * 1024;
const REG = new Date("2026-01-15T10:00:00.000Z");
const meteredCall = (orgId: string, bytesIn: number) => ({
  orgId,
  userId: "ann@acme.com",
  kind: "UNARY" as const,
  uri: "/proto.StrongDocService/ListDocuments",
  bytesIn,
  bytesOut: 10,
  at: REG,
});

describe("UsageMeter buffering", () => {
  let t: TestDb;
  let meter: UsageMeter;
  let billing: BillingService;
  const rows = () => (t.db.prepare("SELECT count(*) AS n FROM usage_calls").get() as { n: number }).n;

  beforeEach(() => {
    t = openTestDb();
    meter = new UsageMeter(t.db, { largeTrafficBytes: 1000 });
    billing = new BillingService(t.db, meter, { clock: () => new Date(REG.getTime() + 1000) });
    billing.onOrganizationRegistered("acme", REG);
  });
  afterEach(() => t.close());

  it("billing reads see calls still buffered", () => {
    meter.recordCall(meteredCall("acme", 2 * MB));
    meter.recordCall(meteredCall("acme", 100));
    assert.equal(rows(), 0, "buffered, not yet written");
    assert.equal(billing.getBillingDetails("acme").traffic!.incoming, 2 + 100 / MB);
    assert.equal(rows(), 2);
    meter.recordCall(meteredCall("acme", 5000));
    assert.equal(billing.getLargeTraffic("acme").largeTraffic.length, 2);
    assert.equal(rows(), 3);
  });

  it("removing an organization also forgets its buffered calls", () => {
    meter.recordCall(meteredCall("acme", 100));
    meter.recordCall(meteredCall("other", 100));
    billing.onOrganizationRemoved("acme");
    flushUsage(t.db);
    assert.deepEqual(t.db.prepare("SELECT org_id FROM usage_calls").all(), [{ org_id: "other" }]);
  });

  it("writes on a short timer, at a full batch, and on flushUsage", async () => {
    meter.recordCall(meteredCall("acme", 1));
    await sleep(USAGE_FLUSH_DELAY_MS * 4);
    assert.equal(rows(), 1, "timer");
    for (let i = 0; i < USAGE_FLUSH_BATCH; i++) meter.recordCall(meteredCall("acme", 1));
    assert.equal(rows(), 1 + USAGE_FLUSH_BATCH, "full batch");
    meter.recordCall(meteredCall("acme", 1));
    meter.recordCall(meteredCall("", 1)); // no organization: not metered
    flushUsage(t.db);
    assert.equal(rows(), 2 + USAGE_FLUSH_BATCH, "flushUsage");
  });
});

it("an emulator's stop() writes the calls still buffered", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sd-meter-"));
  try {
    const emu = await start({ dataDir: dir });
    const client = connect(emu);
    const org = await newOrg(client);
    for (let i = 0; i < 5; i++) await call(client, "getUserInfo", {}, org.md);
    client.close();
    await emu.stop(); // whether or not the meter's timer fired by now, nothing is lost
    const n = await inspectDb(dir, (db) =>
      (db.prepare("SELECT count(*) AS n FROM usage_calls WHERE org_id = ? AND uri LIKE '%/GetUserInfo'").get(org.orgId) as { n: number }).n,
    );
    assert.equal(n, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
