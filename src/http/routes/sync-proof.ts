import { createRoute } from "@hono/zod-openapi";
import { getConnection } from "../../db/connections";
import { locationDb } from "../../db/database";
import { isMember } from "../../db/members";
import { countDecisionsByDay, findDecision } from "../../db/sync-decisions";
import type { Env } from "../../env";
import { AppError } from "../../errors";
import { mailboxStub } from "../../mailbox/stub";
import { buildReportDays, explainDecision, reportSince } from "../../sync/sync-report";
import { newRouter } from "../router";
import { BEARER_AUTH, errorResponses, jsonContent } from "../schemas/common";
import { MailboxParams } from "../schemas/mailbox";
import { ExplainAnswer, ExplainQuery, ReconcileAnswer, SyncReportAnswer, SyncReportQuery } from "../schemas/sync-proof";

/** Mounted at /v1/locations/{locationId}/users: R30's proof, for this location's decisions only (R23). */
export const syncProofRoutes = newRouter();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The member's connection here (any status): its mailbox is the one whose decisions are read. */
async function memberMailbox(env: Env, locationId: string, userId: string) {
  const db = await locationDb(env, locationId);
  if (!(await isMember(db, locationId, userId)))
    throw new AppError("not_found", `User ${userId} is not a member of location ${locationId}.`);
  return { db, connection: (await getConnection(db, locationId, userId)) ?? null };
}

syncProofRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{userId}/mailbox/sync-report",
    summary: "R30: per UTC day, what the sync saw of this mailbox and did with it in this location",
    security: BEARER_AUTH,
    request: { params: MailboxParams, query: SyncReportQuery },
    responses: {
      200: jsonContent(SyncReportAnswer, "The report, newest day first"),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const { days } = c.req.valid("query");
    const { db, connection } = await memberMailbox(c.env, locationId, userId);
    const now = Date.now();
    if (connection === null)
      return c.json(
        { report: { emailAddress: null, lastReconciledAt: null, days: buildReportDays([], days, now) } },
        200,
      );
    const address = connection.mailboxAddress;
    const [counts, proof] = await Promise.all([
      countDecisionsByDay(db, locationId, address, reportSince(days, now)),
      mailboxStub(c.env, address).proofStatus(null),
    ]);
    const report = {
      emailAddress: address,
      lastReconciledAt: iso(proof.lastReconciledAt),
      days: buildReportDays(counts, days, now),
    };
    return c.json({ report }, 200);
  },
);

syncProofRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{userId}/mailbox/explain",
    summary: "R30: what the sync decided for one Gmail message in this location, and by which rule (no content)",
    security: BEARER_AUTH,
    request: { params: MailboxParams, query: ExplainQuery },
    responses: { 200: jsonContent(ExplainAnswer, "The decision"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const { gmailMessageId } = c.req.valid("query");
    const { db, connection } = await memberMailbox(c.env, locationId, userId);
    if (connection === null)
      return c.json({ explanation: { ...explainDecision(gmailMessageId, null, null), decidedAt: null } }, 200);
    const address = connection.mailboxAddress;
    const [row, proof] = await Promise.all([
      findDecision(db, locationId, address, gmailMessageId),
      mailboxStub(c.env, address).proofStatus(gmailMessageId),
    ]);
    const explanation = explainDecision(gmailMessageId, row ?? null, proof.queueState);
    return c.json({ explanation: { ...explanation, decidedAt: iso(explanation.decidedAt) } }, 200);
  },
);

syncProofRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{userId}/mailbox/reconcile",
    summary: "R30: start this mailbox's reconciliation within a minute instead of on its daily turn",
    security: BEARER_AUTH,
    request: { params: MailboxParams },
    responses: {
      202: jsonContent(ReconcileAnswer, "Queued (or already queued or running)"),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { locationId, userId } = c.req.valid("param");
    const { connection } = await memberMailbox(c.env, locationId, userId);
    if (connection === null || connection.status === "disconnected") {
      throw new AppError(
        "mailbox_not_connected",
        "This user has no Gmail connected in this location: connect it first.",
      );
    }
    const outcome = await mailboxStub(c.env, connection.mailboxAddress).requestReconciliation();
    if (!outcome.ok && outcome.error === "needs_reauth") {
      throw new AppError(
        "mailbox_needs_reauth",
        "The Gmail connection needs to be renewed: reconnect it, then ask again.",
      );
    }
    if (!outcome.ok)
      throw new AppError(
        "mailbox_not_connected",
        "This user has no Gmail connected in this location: connect it first.",
      );
    return c.json({ reconciliation: { requestedAt: new Date(outcome.value.requestedAt).toISOString() } }, 202);
  },
);
