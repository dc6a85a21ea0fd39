import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { directoryDb, locationDb } from "../../src/db/database";
import { loadLocationUserAddresses } from "../../src/db/location-users";
import { provisionLocation } from "../../src/db/locations";
import { addMember } from "../../src/db/members";
import { connections, mailboxes } from "../../src/db/schema";
import { upsertUser } from "../../src/db/users";

const NOW = Date.UTC(2026, 10, 26, 10);

async function connect(
  locationId: string,
  userId: string,
  mailbox: string,
  status: "active" | "needs_reauth" | "disconnected",
) {
  await (await locationDb(env, locationId))
    .insert(connections)
    .values({ locationId, userId, mailboxAddress: mailbox, status, connectedAt: NOW, updatedAt: NOW })
    .run();
}

describe("loadLocationUserAddresses", () => {
  it("R7/R20: maps members' CRM emails and every mailbox they connected here, any status", async () => {
    const dir = directoryDb(env);
    await provisionLocation(env, "lu-loc-1", "One", NOW);
    const db = await locationDb(env, "lu-loc-1");
    await upsertUser(dir, { id: "lu-ann", email: "ann@crm.example", name: "Ann" }, NOW);
    await upsertUser(dir, { id: "lu-bob", email: "bob@crm.example", name: null }, NOW);
    await upsertUser(dir, { id: "lu-cat", email: "cat@crm.example", name: null }, NOW);
    await addMember(db, "lu-loc-1", "lu-ann", NOW);
    await addMember(db, "lu-loc-1", "lu-bob", NOW);
    await connect("lu-loc-1", "lu-ann", "ann.private@gmail.example", "active");
    await connect("lu-loc-1", "lu-bob", "bob.old@gmail.example", "disconnected");

    const map = await loadLocationUserAddresses(dir, db, "lu-loc-1");

    expect(Object.fromEntries(map)).toEqual({
      "ann@crm.example": "lu-ann",
      "ann.private@gmail.example": "lu-ann",
      "bob@crm.example": "lu-bob",
      "bob.old@gmail.example": "lu-bob",
    });
  });

  it("R7: a mailbox replaced by update email (R4) still counts as its holder's address", async () => {
    const dir = directoryDb(env);
    await provisionLocation(env, "lu-loc-r4", "R4", NOW);
    const db = await locationDb(env, "lu-loc-r4");
    await upsertUser(dir, { id: "lu-gil", email: "gil@crm.example", name: null }, NOW);
    await addMember(db, "lu-loc-r4", "lu-gil", NOW);
    // The location's connection row now names the new mailbox; the directory still knows the old one is Gil's.
    await connect("lu-loc-r4", "lu-gil", "gil.new@gmail.example", "active");
    await dir
      .insert(mailboxes)
      .values({ address: "gil.old@gmail.example", ownerUserId: "lu-gil", status: "disconnected", updatedAt: NOW })
      .run();

    const map = await loadLocationUserAddresses(dir, db, "lu-loc-r4");

    expect(map.get("gil.old@gmail.example")).toBe("lu-gil");
    expect(map.get("gil.new@gmail.example")).toBe("lu-gil");
  });

  it("R23: ignores non-members, other locations' members and connections made in other locations", async () => {
    const dir = directoryDb(env);
    await upsertUser(dir, { id: "lu-dan", email: "dan@crm.example", name: null }, NOW);
    await upsertUser(dir, { id: "lu-eve", email: "eve@crm.example", name: null }, NOW);
    for (const id of ["lu-loc-2", "lu-loc-3"]) await provisionLocation(env, id, id, NOW);
    await addMember(await locationDb(env, "lu-loc-2"), "lu-loc-2", "lu-dan", NOW);
    await addMember(await locationDb(env, "lu-loc-3"), "lu-loc-3", "lu-eve", NOW);
    await addMember(await locationDb(env, "lu-loc-3"), "lu-loc-3", "lu-dan", NOW);
    await connect("lu-loc-3", "lu-dan", "dan@gmail.example", "active");
    // A connection row left behind by a user who is no longer a member does not count.
    await connect("lu-loc-2", "lu-gone", "gone@gmail.example", "active");

    const map = await loadLocationUserAddresses(dir, await locationDb(env, "lu-loc-2"), "lu-loc-2");

    expect(Object.fromEntries(map)).toEqual({ "dan@crm.example": "lu-dan" });
  });

  it("R7: normalises stored addresses and answers an empty map for a location without members", async () => {
    const dir = directoryDb(env);
    await upsertUser(dir, { id: "lu-fay", email: " Fay@CRM.example ", name: null }, NOW);
    for (const id of ["lu-loc-4", "lu-loc-none"]) await provisionLocation(env, id, id, NOW);
    await addMember(await locationDb(env, "lu-loc-4"), "lu-loc-4", "lu-fay", NOW);
    await connect("lu-loc-4", "lu-fay", "FAY@Gmail.Example", "needs_reauth");

    const map = await loadLocationUserAddresses(dir, await locationDb(env, "lu-loc-4"), "lu-loc-4");
    const empty = await loadLocationUserAddresses(dir, await locationDb(env, "lu-loc-none"), "lu-loc-none");

    expect(Object.fromEntries(map)).toEqual({ "fay@crm.example": "lu-fay", "fay@gmail.example": "lu-fay" });
    expect(empty.size).toBe(0);
  });

  it("R7: a location with more members than one query can name still maps every one", async () => {
    const dir = directoryDb(env);
    await provisionLocation(env, "lu-loc-5", "Five", NOW);
    const db = await locationDb(env, "lu-loc-5");
    for (let i = 0; i < 130; i++) {
      await upsertUser(dir, { id: `lu-many-${i}`, email: `many${i}@crm.example`, name: null }, NOW);
      await addMember(db, "lu-loc-5", `lu-many-${i}`, NOW);
    }

    const map = await loadLocationUserAddresses(dir, db, "lu-loc-5");

    expect(map.size).toBe(130);
    expect(map.get("many129@crm.example")).toBe("lu-many-129");
  });
});
