import { eq } from "drizzle-orm";
import type { Database } from "./database";
import { users } from "./schema";

export type UserRow = typeof users.$inferSelect;

export async function getUser(db: Database, userId: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, userId)).get();
}

/** Creates or updates a user; `email` must already be normalised. */
export async function upsertUser(
  db: Database,
  user: { id: string; email: string; name: string | null },
  now: number,
): Promise<UserRow> {
  return db
    .insert(users)
    .values({ ...user, createdAt: now })
    .onConflictDoUpdate({ target: users.id, set: { email: user.email, name: user.name } })
    .returning()
    .get();
}
