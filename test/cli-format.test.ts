// Unit tests of the CLI's human-readable number formatting (src/cli/format.ts): quantities and
// costs are rounded for people and never printed with an exponent; tables right-align them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAmount, formatCost, renderTable } from "../src/cli/format";

describe("formatAmount", () => {
  it("keeps three significant digits and never uses an exponent", () => {
    assert.equal(formatAmount(9.723611831665039), "9.72");
    assert.equal(formatAmount(0.0056955549452039934), "0.0057");
    assert.equal(formatAmount(0.012345), "0.0123");
    assert.equal(formatAmount(123.456), "123");
    assert.equal(formatAmount(123456.7), "123457");
    assert.equal(formatAmount(0), "0");
    assert.equal(formatAmount(2.6519881354437934e-7), "<0.001");
    assert.equal(formatAmount(0.001), "0.001");
    assert.equal(formatAmount(-2e-9), ">-0.001");
  });
});

describe("formatCost", () => {
  it("shows two decimals, and <0.01 for a non-zero cost that would round to 0.00", () => {
    assert.equal(formatCost(0), "0.00");
    assert.equal(formatCost(12.3456), "12.35");
    assert.equal(formatCost(0.0001), "<0.01");
    assert.equal(formatCost(0.005), "0.01");
  });
});

describe("renderTable", () => {
  it("right-aligns columns of rounded amounts, including <0.001", () => {
    const table = renderTable(["IN MB"], [[formatAmount(9.536900520324707)], [formatAmount(4.1e-5)]]);
    assert.equal(table, " IN MB\n------\n  9.54\n<0.001");
  });
});
