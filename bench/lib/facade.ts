// Loads the SDK facade (src/index.ts) lazily, so that the raw/lockstep baseline children never
// load it; the facade reads STRONGDOC_HOST/PORT/CA_FILE from the env the orchestrator sets.

/** The facade module, as users import it from "strongdoc". */
export type Facade = typeof import("../../src/index.js");

/** Imports the facade from src/. */
export function loadFacade(): Promise<Facade> {
  return import("../../src/index.js");
}
