import { z } from "@hono/zod-openapi";
import { SKIP_REASONS } from "../../sync/routing-reasons";
import { Timestamp } from "./common";

export const SyncReportQuery = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(7)
    .openapi({ param: { name: "days", in: "query" }, example: 7 }),
});

const SkippedCounts = z.object(
  Object.fromEntries(SKIP_REASONS.map((r) => [r, z.number().int()])) as Record<
    (typeof SKIP_REASONS)[number],
    z.ZodNumber
  >,
);

export const SyncReportAnswer = z
  .object({
    report: z.object({
      emailAddress: z.string().nullable(),
      lastReconciledAt: Timestamp.nullable(),
      days: z.array(
        z.object({
          date: z.string().openapi({ example: "2026-12-01" }),
          seen: z.number().int(),
          stored: z.number().int(),
          skipped: SkippedCounts,
          parked: z.number().int(),
          healed: z.number().int(),
        }),
      ),
    }),
  })
  .openapi("SyncReport");

export const ExplainQuery = z.object({
  gmailMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a Gmail message id")
    .openapi({ param: { name: "gmailMessageId", in: "query" }, example: "18c2f0a9b7e4d123" }),
});

export const ExplainAnswer = z
  .object({
    explanation: z.object({
      gmailMessageId: z.string(),
      decision: z.enum(["stored", "skipped", "parked", "pending", "unknown"]),
      reason: z
        .string()
        .nullable()
        .openapi({ description: "a skip reason of API.md's list; for stored, how it was routed" }),
      rule: z.string().nullable().openapi({ description: "the rule of RULES.md that made the decision (R7, R8, …)" }),
      messageId: z
        .string()
        .nullable()
        .openapi({ description: "the CRM message id when stored (the earlier copy for already_stored)" }),
      decidedAt: Timestamp.nullable(),
    }),
  })
  .openapi("SyncExplanation");

export const ReconcileAnswer = z
  .object({ reconciliation: z.object({ requestedAt: Timestamp }) })
  .openapi("Reconciliation");
