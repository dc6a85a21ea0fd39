/**
 * R14: a CRM send from location L binds its Gmail thread to L alone. Given the locations where the
 * thread is bound now, returns those whose bindings end (every one but L), in input order, without
 * duplicates. Their past messages stay; they just take no new message of the thread.
 */
export function bindingsEndedBySend(input: {
  boundLocationIds: readonly string[];
  sendingLocationId: string;
}): string[] {
  return [...new Set(input.boundLocationIds)].filter((id) => id !== input.sendingLocationId);
}
