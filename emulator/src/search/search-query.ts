// Turns a user's search query into a safe FTS5 MATCH expression. The query is never handed to FTS5
// as written: we tokenize it ourselves and quote every token, so FTS5 syntax (quotes, AND/OR/NOT,
// NEAR, *, ^, column filters, parentheses) is just text and can never cause an engine error.

import { invalidArgument } from "../errors";

/** Longest accepted query, in UTF-16 code units. */
export const MAX_QUERY_LENGTH = 1024;

/** Most distinct words a query may hold. */
export const MAX_QUERY_TERMS = 32;

/** A run of letters, digits, combining marks or private-use characters: one word. */
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/**
 * The distinct lower-case words of a query, in order of first appearance, NFKC-normalized as
 * indexed text is. Everything that is not a letter, digit or mark (punctuation, symbols,
 * whitespace, control characters) separates words.
 *
 * @example
 * ```ts
 * queryTerms('Bed "mounts" OR bed*'); // ["bed", "mounts", "or"]
 * ```
 */
export function queryTerms(query: string): string[] {
  return [...new Set(query.normalize("NFKC").toLowerCase().match(WORD) ?? [])];
}

/**
 * Builds the FTS5 MATCH expression for a query: its words, each quoted, joined with OR (a
 * document matches if it holds any of them; BM25 ranks those with more and rarer words higher).
 *
 * @throws ApiError INVALID_ARGUMENT (field `query`) when the query is longer than
 *   {@link MAX_QUERY_LENGTH}, holds no word, or more than {@link MAX_QUERY_TERMS} distinct words.
 *
 * @example
 * ```ts
 * toMatchExpression("bed mounts"); // '"bed" OR "mounts"'
 * ```
 */
export function toMatchExpression(query: string): string {
  return toMatchPhrases(query).join(" OR ");
}

/**
 * The query's words as FTS5 phrases, each quoted (one MATCH expression per word), for scoring
 * each word separately; same checks as {@link toMatchExpression}.
 *
 * @example
 * ```ts
 * toMatchPhrases("bed mounts"); // ['"bed"', '"mounts"']
 * ```
 */
export function toMatchPhrases(query: string): string[] {
  if (typeof query !== "string" || query.length > MAX_QUERY_LENGTH) {
    throw invalidArgument("query", `must be at most ${MAX_QUERY_LENGTH} characters`);
  }
  const terms = queryTerms(query);
  if (terms.length === 0) throw invalidArgument("query", "must contain at least one word");
  if (terms.length > MAX_QUERY_TERMS) {
    throw invalidArgument("query", `must contain at most ${MAX_QUERY_TERMS} distinct words`);
  }
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`);
}
