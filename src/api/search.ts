// The `search` module: full-text search over the documents the caller can read
// (the Python SDK's strongdoc.api.search), with its result type.
import type { CallOptions } from "../call-options";
import { defaultEndpoint, type Endpoint } from "../client";
import { unaryCall } from "../unary";
import { checkString, checkToken } from "../validate";

/** One search hit. */
export interface DocumentResult {
  readonly docId: string;
  /** Relevance; higher is a stronger match. */
  readonly score: number;
}

/** Search functions, each with a session token first and an optional {@link CallOptions} last. */
export interface SearchApi {
  /**
   * Documents matching `query` (words, case-insensitive), best first.
   * @example
   * ```ts
   * const hits = await search.search(token, "bed mounts");
   * if (hits.length) console.log(hits[0].docId, hits[0].score);
   * ```
   */
  search(token: string, query: string, options?: CallOptions): Promise<DocumentResult[]>;
}

/** The search functions bound to `endpoint` (see `createClient`). */
export function searchApi(endpoint: Endpoint): SearchApi {
  return {
    async search(token, query, options) {
      checkToken(token);
      checkString("query", query);
      const resp = await unaryCall(endpoint, "search", token, { query }, options);
      return resp.hits.map((h) => ({ docId: h.docID, score: h.score })).sort((a, b) => b.score - a.score);
    },
  };
}

/**
 * Search functions on the default endpoint (env vars or `configure()`).
 * @example
 * ```ts
 * import { search } from "strongdoc";
 * const hits = await search.search(token, "invoice");
 * ```
 */
export const search: SearchApi = searchApi(defaultEndpoint);
