// Loads the SDK facade (src/index.ts) lazily, so that the raw/lockstep baseline children never
// load it; the facade reads STRONGDOC_HOST/PORT/CA_FILE from the env the orchestrator sets.
// For tuning experiments, BENCH_FACADE_DIR may point at a patched copy of src/ (its index.ts),
// so a proposed change can be measured before its owner adopts it.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The facade module, as users import it from "strongdoc". */
export type Facade = typeof import("../../src/index.js");

/** Imports the facade from src/ (or from $BENCH_FACADE_DIR). */
export function loadFacade(): Promise<Facade> {
  const dir = process.env.BENCH_FACADE_DIR;
  if (dir) return import(pathToFileURL(join(dir, "index.ts")).href) as Promise<Facade>;
  return import("../../src/index.js");
}
