import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findFirstContactByEmail, findFirstContactsByEmails } from "../../src/db/contacts";
import { locationDb } from "../../src/db/database";
import { provisionLocation } from "../../src/db/locations";
import { contacts } from "../../src/db/schema";

type Seed = { id: string; email: string; createdAt: number };

/** Contact ids are global: each location's ids carry its name, which keeps their order within it. */
async function seed(locationId: string, rows: Seed[]) {
  await provisionLocation(env, locationId, locationId, Date.UTC(2026, 10, 26));
  const db = await locationDb(env, locationId);
  for (const row of rows) {
    const id = `${row.id}-${locationId}`;
    await db
      .insert(contacts)
      .values({ ...row, id, locationId, name: null, assignedUserId: null })
      .run();
  }
  return db;
}
const idIn = (locationId: string) => (id: string | undefined) => id?.replace(`-${locationId}`, "");

describe("R12: of several contacts sharing an address, the first created wins, then the smallest id", () => {
  it.each<[string, Seed[], string]>([
    [
      "R12: the earliest created wins",
      [
        { id: "ct_b", email: "x@c.test", createdAt: 20 },
        { id: "ct_a", email: "x@c.test", createdAt: 30 },
        { id: "ct_c", email: "x@c.test", createdAt: 10 },
      ],
      "ct_c",
    ],
    [
      "R12: equal times fall back to the smallest id",
      [
        { id: "ct_b", email: "x@c.test", createdAt: 10 },
        { id: "ct_a", email: "x@c.test", createdAt: 10 },
      ],
      "ct_a",
    ],
    [
      "R12: time beats id",
      [
        { id: "ct_a", email: "x@c.test", createdAt: 11 },
        { id: "ct_z", email: "x@c.test", createdAt: 10 },
      ],
      "ct_z",
    ],
  ])("%s", async (name, rows, expected) => {
    const locationId = `r12-${name.length}-${crypto.randomUUID()}`;
    const db = await seed(locationId, rows);
    const local = idIn(locationId);
    expect(local((await findFirstContactByEmail(db, locationId, "x@c.test"))?.id)).toBe(expected);
    expect(local((await findFirstContactsByEmails(db, locationId, ["x@c.test"])).get("x@c.test")?.id)).toBe(expected);
  });

  it("R12: picked per address, addresses without a contact absent, other locations unseen (R23)", async () => {
    const locationId = `r12-many-${crypto.randomUUID()}`;
    const db = await seed(locationId, [
      { id: "ct_2", email: "x@c.test", createdAt: 2 },
      { id: "ct_1", email: "x@c.test", createdAt: 1 },
      { id: "ct_3", email: "y@c.test", createdAt: 9 },
    ]);
    await seed(`${locationId}-other`, [{ id: "ct_0", email: "x@c.test", createdAt: 0 }]);
    const first = await findFirstContactsByEmails(db, locationId, ["x@c.test", "y@c.test", "z@c.test", "x@c.test"]);
    const local = idIn(locationId);
    expect([...first].map(([email, c]) => `${email}=${local(c.id)}`).sort()).toEqual([
      "x@c.test=ct_1",
      "y@c.test=ct_3",
    ]);
  });
});
