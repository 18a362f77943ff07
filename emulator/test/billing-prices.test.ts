// Tests for the price table: tiers are ordered and graduated pricing adds up across tiers.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PRICES, priceUsage } from "../src/billing/prices";

describe("prices", () => {
  it("has ascending tiers per category, Free first, unbounded last", () => {
    for (const category of Object.values(PRICES)) {
      assert.equal(category.tiers[0].name, "Free");
      assert.equal(category.tiers[0].pricePerUnit, 0);
      assert.equal(category.tiers[category.tiers.length - 1].upTo, Infinity);
      for (let i = 1; i < category.tiers.length; i++) assert.ok(category.tiers[i].upTo > category.tiers[i - 1].upTo);
    }
  });

  it("prices usage graduated over the tiers", () => {
    assert.deepEqual(priceUsage(PRICES.traffic, 0), { cost: 0, tier: "Network Traffic Free" });
    assert.deepEqual(priceUsage(PRICES.traffic, 1024), { cost: 0, tier: "Network Traffic Free" });
    assert.equal(priceUsage(PRICES.traffic, 1025).tier, "Network Traffic Low");
    const big = priceUsage(PRICES.traffic, 2_000_000);
    assert.equal(big.tier, "Network Traffic High");
    const expected = (102_400 - 1_024) * 0.0001 + (1_048_576 - 102_400) * 0.00008 + (2_000_000 - 1_048_576) * 0.00005;
    assert.ok(Math.abs(big.cost - expected) < 1e-9);
    assert.equal(priceUsage(PRICES.documents, 5e8).tier, "Document Storage Mid");
    assert.equal(priceUsage(PRICES.search, 20_000).tier, "Search Index Storage Low");
    assert.deepEqual(priceUsage(PRICES.documents, -5), { cost: 0, tier: "Document Storage Free" });
  });
});
