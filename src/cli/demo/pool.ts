// A tiny bounded-concurrency runner for the demo's uploads: at most `limit` tasks in flight,
// first failure stops new work and rejects.

/**
 * Runs `task` on every item with at most `limit` running at once; resolves with the results in
 * input order, or rejects with the first failure (no new tasks start after it).
 *
 * @example
 * ```ts
 * const ids = await mapLimit(files, 4, (f) => document.uploadDocument(token, f.name, f.data));
 * ```
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index]!, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
