import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import type { Database } from "./database";
import { mailboxes } from "./schema";

export type MailboxRow = typeof mailboxes.$inferSelect;

export async function getMailboxRow(db: Database, address: string): Promise<MailboxRow | undefined> {
  return db.select().from(mailboxes).where(eq(mailboxes.address, address)).get();
}

/** The mailbox DO's mirror of itself in the directory (who holds it, its state): written by the DO only. */
export async function upsertMailboxRow(db: Database, row: MailboxRow): Promise<void> {
  const { address, ...rest } = row;
  await db.insert(mailboxes).values(row).onConflictDoUpdate({ target: mailboxes.address, set: rest }).run();
}

/** R3: active mailboxes whose watch is unset or expires before `horizon`, soonest first, one page. */
export async function listMailboxesDueForWatchRenewal(db: Database, horizon: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ address: mailboxes.address })
    .from(mailboxes)
    .where(and(eq(mailboxes.status, "active"), or(isNull(mailboxes.watchExpiresAt), lte(mailboxes.watchExpiresAt, horizon))))
    .orderBy(asc(mailboxes.watchExpiresAt))
    .limit(limit)
    .all();
  return rows.map((r) => r.address);
}
