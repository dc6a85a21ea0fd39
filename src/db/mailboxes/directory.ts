import { eq } from "drizzle-orm";
import type { Database } from "../database";
import { mailboxes } from "../schema";

export type MailboxRow = typeof mailboxes.$inferSelect;

export async function getMailboxRow(db: Database, address: string): Promise<MailboxRow | undefined> {
  return db.select().from(mailboxes).where(eq(mailboxes.address, address)).get();
}

/** The mailbox DO's mirror of itself in the directory (who holds it, its state): written by the DO only. */
export async function upsertMailboxRow(db: Database, row: MailboxRow): Promise<void> {
  const { address, ...rest } = row;
  await db.insert(mailboxes).values(row).onConflictDoUpdate({ target: mailboxes.address, set: rest }).run();
}
