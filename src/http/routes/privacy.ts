import { createRoute, z } from "@hono/zod-openapi";
import { locationDb } from "../../db/database";
import { getErasure } from "../../db/erasures";
import { getLocationPrivacy, putLocationPrivacy } from "../../db/privacy-settings";
import { AppError } from "../../errors";
import { purgeEntries } from "../../privacy/purge";
import { JSON_BODY_LIMIT_BYTES, limitBody } from "../middleware/body-limit";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import {
  Erasure,
  ErasureParams,
  LocationPrivacy,
  PurgeAnswer,
  PurgeBody,
  PutLocationPrivacyBody,
} from "../schemas/privacy";
import { LocationIdParam } from "../schemas/provisioning";

/** Mounted at /v1/locations/{locationId}/privacy: R27's settings, R28's purge and erasure progress. */
export const privacyRoutes = newRouter();

const PrivacyAnswer = z.object({ privacy: LocationPrivacy });

privacyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Read the location's privacy settings (R27)",
    security: BEARER_AUTH,
    request: { params: LocationIdParam },
    responses: { 200: jsonContent(PrivacyAnswer, "The settings"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    return c.json({ privacy: await getLocationPrivacy(await locationDb(c.env, locationId), locationId) }, 200);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "put",
    path: "/",
    summary: "Set the location's privacy settings (R27); fields left out keep their value",
    description:
      "neverLog: addresses or @domain; internalDomains: bare domains; at most 1,000 entries per list, normalised " +
      "(trimmed, lower-cased, duplicates dropped). Applies to mail the sync looks at from now on.",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: LocationIdParam,
      body: { required: true, content: { "application/json": { schema: PutLocationPrivacyBody } } },
    },
    responses: { 200: jsonContent(PrivacyAnswer, "The settings now"), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = await locationDb(c.env, locationId);
    const current = await getLocationPrivacy(db, locationId);
    const privacy = {
      neverLog: body.neverLog ?? current.neverLog,
      internalDomains: body.internalDomains ?? current.internalDomains,
      skipBulkMail: body.skipBulkMail ?? current.skipBulkMail,
    };
    await putLocationPrivacy(db, locationId, privacy, Date.now());
    return c.json({ privacy }, 200);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/purge",
    summary: "Remove already synced mail of contacts matching never-log entries (R28); dry run by default",
    description:
      "Matches the messages of conversations whose contact's address matches an entry. dryRun (default true) " +
      "counts exactly what a real run removes. A real run removes at most 1,000 messages per request; " +
      "`remaining` says how many still match: repeat the request until it is 0.",
    security: BEARER_AUTH,
    middleware: [limitBody(JSON_BODY_LIMIT_BYTES)] as const,
    request: {
      params: LocationIdParam,
      body: { required: true, content: { "application/json": { schema: PurgeBody } } },
    },
    responses: {
      200: jsonContent(PurgeAnswer, "What matched and what was removed"),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { locationId } = c.req.valid("param");
    const { entries, dryRun } = c.req.valid("json");
    return c.json(await purgeEntries(c.env, locationId, entries, dryRun, Date.now()), 200);
  },
);

privacyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/erasures/{contactId}",
    summary: "Progress of a contact's erasure (R28): running until every message and stored byte is gone",
    security: BEARER_AUTH,
    request: { params: ErasureParams },
    responses: {
      200: jsonContent(z.object({ erasure: Erasure }), "The erasure"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, contactId } = c.req.valid("param");
    const row = await getErasure(await locationDb(c.env, locationId), locationId, contactId);
    if (!row) throw new AppError("not_found", `No erasure of contact ${contactId} in location ${locationId}.`);
    const iso = (ms: number) => new Date(ms).toISOString();
    const erasure = {
      contactId: row.contactId,
      status: row.status,
      removedMessages: row.removedMessages,
      startedAt: iso(row.startedAt),
      finishedAt: row.finishedAt === null ? null : iso(row.finishedAt),
    };
    return c.json({ erasure }, 200);
  },
);
