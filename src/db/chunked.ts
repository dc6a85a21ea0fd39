/** D1 binds at most 100 parameters per statement: a statement that lists ids or rows is cut to fit. */
const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * Bound parameters left to the rest of a statement that lists ids or rows: its location, mailbox, type, time or
 * an added condition. Ten is more than any of ours binds, so a filter added to such a query later cannot push it
 * over D1's bound.
 */
const REST_OF_STATEMENT_PARAMETERS = 10;

/** How many ids (one bound parameter each), or rows of `parametersPerRow`, one D1 statement may carry. */
export function perStatement(parametersPerRow = 1): number {
  return Math.floor((D1_MAX_BOUND_PARAMETERS - REST_OF_STATEMENT_PARAMETERS) / parametersPerRow);
}

/** `values` cut, in order, into pieces of at most `perQuery` (none empty): one statement each. */
export function chunked<T>(values: readonly T[], perQuery: number): T[][] {
  if (!Number.isInteger(perQuery) || perQuery < 1) throw new RangeError(`perQuery must be ≥ 1, got ${perQuery}`);
  const pieces: T[][] = [];
  for (let start = 0; start < values.length; start += perQuery) pieces.push(values.slice(start, start + perQuery));
  return pieces;
}
