/** The fields R12 orders duplicate contacts by. */
export interface CreatedRecord {
  id: string;
  /** Unix ms. */
  createdAt: number;
}

/**
 * R12: of several contacts sharing an address, the first created wins; equal times fall back to the
 * smallest id (binary string order, as SQLite compares TEXT). Undefined for an empty list.
 */
export function pickFirstCreated<T extends CreatedRecord>(contacts: readonly T[]): T | undefined {
  let first: T | undefined;
  for (const contact of contacts) {
    if (
      first === undefined ||
      contact.createdAt < first.createdAt ||
      (contact.createdAt === first.createdAt && contact.id < first.id)
    ) {
      first = contact;
    }
  }
  return first;
}

/** R12 over a whole list: normalized email → its first-created contact. */
export function firstCreatedByEmail<T extends CreatedRecord & { email: string }>(
  contacts: readonly T[],
): Map<string, T> {
  const groups = new Map<string, T[]>();
  for (const contact of contacts) {
    const group = groups.get(contact.email);
    if (group === undefined) groups.set(contact.email, [contact]);
    else group.push(contact);
  }
  const first = new Map<string, T>();
  for (const [email, group] of groups) {
    const winner = pickFirstCreated(group);
    if (winner !== undefined) first.set(email, winner);
  }
  return first;
}
