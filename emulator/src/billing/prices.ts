// The emulator's price table, as data: three categories (document storage, search index storage,
// network traffic), each with graduated tiers. The hosted service's prices were never published;
// these are ours, chosen to be plausible, and documented in emulator/README.md ("Billing").

/** One price tier: usage up to `upTo` units (inclusive) is charged `pricePerUnit` per unit. */
export interface PriceTier {
  /** Tier name, appended to the category label: "Free", "Low", "Mid" or "High". */
  readonly name: string;
  /** Upper bound of the tier in units (cumulative over the billing period); `Infinity` for the last tier. */
  readonly upTo: number;
  /** Price per unit within this tier, in currency units (think US dollars). */
  readonly pricePerUnit: number;
}

/** A billed category: its label (the tier string's prefix), unit and tiers in ascending order. */
export interface PriceCategory {
  /** E.g. "Document Storage"; the reported tier is `${label} ${tier.name}`. */
  readonly label: string;
  /** What is counted: stored MB integrated over hours, or transferred MB (1 MB = 2^20 bytes). */
  readonly unit: "MB-hour" | "MB";
  /** Tiers, lowest first; the last has `upTo: Infinity`. */
  readonly tiers: readonly PriceTier[];
}

/**
 * The price table. Pricing is graduated (like most cloud price lists): within a billing period the
 * first units are priced at the first tier, the next ones at the second, and so on; the reported
 * tier is the one the period's last unit falls in. For scale, 1 GB stored for a 30-day month is
 * 737,280 MB-hours.
 *
 * | Category | Unit | Free | Low | Mid | High |
 * |---|---|---|---|---|---|
 * | Document Storage | MB-hour | ≤ 100,000 | ≤ 10,000,000 at 0.0000003 | ≤ 1,000,000,000 at 0.0000002 | above at 0.0000001 |
 * | Search Index Storage | MB-hour | ≤ 10,000 | ≤ 1,000,000 at 0.000001 | ≤ 100,000,000 at 0.0000008 | above at 0.0000005 |
 * | Network Traffic (in + out) | MB | ≤ 1,024 | ≤ 102,400 at 0.0001 | ≤ 1,048,576 at 0.00008 | above at 0.00005 |
 */
export const PRICES = {
  documents: {
    label: "Document Storage",
    unit: "MB-hour",
    tiers: [
      { name: "Free", upTo: 100_000, pricePerUnit: 0 },
      { name: "Low", upTo: 10_000_000, pricePerUnit: 0.0000003 },
      { name: "Mid", upTo: 1_000_000_000, pricePerUnit: 0.0000002 },
      { name: "High", upTo: Infinity, pricePerUnit: 0.0000001 },
    ],
  },
  search: {
    label: "Search Index Storage",
    unit: "MB-hour",
    tiers: [
      { name: "Free", upTo: 10_000, pricePerUnit: 0 },
      { name: "Low", upTo: 1_000_000, pricePerUnit: 0.000001 },
      { name: "Mid", upTo: 100_000_000, pricePerUnit: 0.0000008 },
      { name: "High", upTo: Infinity, pricePerUnit: 0.0000005 },
    ],
  },
  traffic: {
    label: "Network Traffic",
    unit: "MB",
    tiers: [
      { name: "Free", upTo: 1_024, pricePerUnit: 0 },
      { name: "Low", upTo: 102_400, pricePerUnit: 0.0001 },
      { name: "Mid", upTo: 1_048_576, pricePerUnit: 0.00008 },
      { name: "High", upTo: Infinity, pricePerUnit: 0.00005 },
    ],
  },
} as const satisfies Record<string, PriceCategory>;

/** A priced usage: its cost and the tier string, e.g. "Document Storage Low". */
export interface PricedUsage {
  /** Cost in currency units. */
  cost: number;
  /** `${category.label} ${tier.name}` of the tier the usage reaches. */
  tier: string;
}

/**
 * Prices `units` of usage in a category, graduated over its tiers.
 *
 * @example
 * ```ts
 * priceUsage(PRICES.traffic, 2_048); // { cost: 0.1024, tier: "Network Traffic Low" }
 * ```
 */
export function priceUsage(category: PriceCategory, units: number): PricedUsage {
  const used = Math.max(0, units);
  let cost = 0;
  let lower = 0;
  let tier = category.tiers[0];
  for (const t of category.tiers) {
    if (used <= lower) break;
    cost += (Math.min(used, t.upTo) - lower) * t.pricePerUnit;
    tier = t;
    lower = t.upTo;
  }
  return { cost, tier: `${category.label} ${tier.name}` };
}
