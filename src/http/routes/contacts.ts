import { createRoute, z } from "@hono/zod-openapi";
import { getContact, insertContact, listContacts, updateContact } from "../../db/contacts";
import { locationDb, type Database } from "../../db/database";
import { isMember } from "../../db/members";
import { AppError } from "../../errors";
import { eraseContact } from "../../privacy/erase-contact";
import { toPage } from "../cursor";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { presentContact } from "../present";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { Contact, ContactParams, CreateContactBody, ListContactsQuery, PatchContactBody } from "../schemas/contacts";
import { LocationIdParam } from "../schemas/provisioning";

/** Mounted at /v1/locations/{locationId}/contacts. Duplicate addresses are allowed (R12). */
export const contactRoutes = newRouter();

const ContactAnswer = z.object({ contact: Contact });

/** docs/api.md: an assigned user must be a member of the location; else 400 before anything is written. */
async function checkAssignee(db: Database, locationId: string, userId: string | null | undefined): Promise<void> {
  if (userId === null || userId === undefined) return;
  if (!(await isMember(db, locationId, userId))) {
    throw new AppError("invalid_request", `assignedUserId ${userId} is not a member of location ${locationId}.`, {
      issues: [{ path: ["assignedUserId"], code: "not_a_member", message: "must be a member of the location" }],
    });
  }
}

contactRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    summary: "Create a contact",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: LocationIdParam,
      body: { required: true, content: { "application/json": { schema: CreateContactBody } } },
    },
    responses: { 201: jsonContent(ContactAnswer, "The new contact"), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = await locationDb(c.env, locationId);
    await checkAssignee(db, locationId, body.assignedUserId);
    const row = await insertContact(
      db,
      { locationId, email: body.email, name: body.name ?? null, assignedUserId: body.assignedUserId ?? null },
      Date.now(),
    );
    return c.json({ contact: presentContact(row) }, 201);
  },
);

contactRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "List contacts, oldest first (optionally of one address)",
    security: BEARER_AUTH,
    request: { params: LocationIdParam, query: ListContactsQuery },
    responses: {
      200: jsonContent(
        z.object({ contacts: z.array(Contact), nextCursor: z.string().nullable() }),
        "A page of contacts",
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { email, cursor, limit } = c.req.valid("query");
    const rows = await listContacts(await locationDb(c.env, locationId), locationId, {
      email,
      after: cursor,
      limit: limit + 1,
    });
    const page = toPage(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
    return c.json({ contacts: page.items.map(presentContact), nextCursor: page.nextCursor }, 200);
  },
);

contactRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{contactId}",
    summary: "Read a contact",
    security: BEARER_AUTH,
    request: { params: ContactParams },
    responses: { 200: jsonContent(ContactAnswer, "The contact"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, contactId } = c.req.valid("param");
    const row = await getContact(await locationDb(c.env, locationId), locationId, contactId);
    if (!row) throw new AppError("not_found", `Contact ${contactId} does not exist in location ${locationId}.`);
    return c.json({ contact: presentContact(row) }, 200);
  },
);

contactRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{contactId}",
    summary: "Change a contact's address, name or assigned user",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: ContactParams,
      body: { required: true, content: { "application/json": { schema: PatchContactBody } } },
    },
    responses: { 200: jsonContent(ContactAnswer, "The contact"), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { locationId, contactId } = c.req.valid("param");
    const patch = c.req.valid("json");
    const db = await locationDb(c.env, locationId);
    if (!(await getContact(db, locationId, contactId))) {
      throw new AppError("not_found", `Contact ${contactId} does not exist in location ${locationId}.`);
    }
    await checkAssignee(db, locationId, patch.assignedUserId);
    const row = await updateContact(db, locationId, contactId, patch);
    if (!row) throw new AppError("not_found", `Contact ${contactId} does not exist in location ${locationId}.`);
    return c.json({ contact: presentContact(row) }, 200);
  },
);

contactRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{contactId}",
    summary: "Erase a contact (R28): the contact, its conversation, messages, attachments and stored bytes",
    description:
      "Final. Every id of theirs answers 404 at once; a very large conversation's messages are removed in bounded " +
      "steps that continue in the background: GET …/privacy/erasures/{contactId} says when it is done.",
    security: BEARER_AUTH,
    request: { params: ContactParams },
    responses: { 204: { description: "Erased (or being erased)" }, ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, contactId } = c.req.valid("param");
    if ((await eraseContact(c.env, locationId, contactId, Date.now())) === "not_found") {
      throw new AppError("not_found", `Contact ${contactId} does not exist in location ${locationId}.`);
    }
    return c.body(null, 204);
  },
);
