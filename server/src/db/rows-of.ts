/** The rows of a raw `db.execute`: PGlite answers `{ rows }`, node-postgres through Drizzle an array. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? (result as T[]);
}
