import { and, eq } from "drizzle-orm";
import type { Database } from "./database";
import { members } from "./schema";

export async function isMember(db: Database, locationId: string, userId: string): Promise<boolean> {
  const row = await db
    .select({ userId: members.userId })
    .from(members)
    .where(and(eq(members.locationId, locationId), eq(members.userId, userId)))
    .get();
  return row !== undefined;
}

export async function addMember(db: Database, locationId: string, userId: string, now: number): Promise<void> {
  await db.insert(members).values({ locationId, userId, createdAt: now }).onConflictDoNothing().run();
}
