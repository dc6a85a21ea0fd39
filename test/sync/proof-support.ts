/** R30 steps for tests: the sync report, an explanation and "reconcile now", through the public API. */
import { SKIP_REASONS, type SkipReason } from "../../src/sync/routing-reasons";
import { api, locationToken } from "../support/api";
import type { Owner } from "./support";

export interface ReportDayJson {
  date: string;
  seen: number;
  stored: number;
  skipped: Record<string, number>;
  parked: number;
  healed: number;
}

export interface ExplanationJson {
  gmailMessageId: string;
  decision: "stored" | "skipped" | "parked" | "pending" | "unknown";
  reason: string | null;
  rule: string | null;
  messageId: string | null;
  decidedAt: string | null;
}

const base = (owner: Pick<Owner, "locationId" | "userId">) =>
  `/v1/locations/${owner.locationId}/users/${owner.userId}/mailbox`;

export async function syncReport(
  owner: Pick<Owner, "locationId" | "userId">,
  days = 1,
): Promise<{ emailAddress: string | null; lastReconciledAt: string | null; days: ReportDayJson[] }> {
  const res = await api<{
    report: { emailAddress: string | null; lastReconciledAt: string | null; days: ReportDayJson[] };
  }>("GET", `${base(owner)}/sync-report?days=${days}`, {
    token: await locationToken(owner.locationId),
  });
  if (res.status !== 200) throw new Error(`sync-report: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.report;
}

/** Today's figures (UTC). */
export async function today(owner: Pick<Owner, "locationId" | "userId">): Promise<ReportDayJson> {
  const [day] = (await syncReport(owner, 1)).days;
  if (!day) throw new Error("sync-report: no day");
  return day;
}

export async function explainRaw(
  owner: Pick<Owner, "locationId" | "userId">,
  gmailMessageId: string,
): Promise<{ status: number; text: string }> {
  const res = await api("GET", `${base(owner)}/explain?gmailMessageId=${encodeURIComponent(gmailMessageId)}`, {
    token: await locationToken(owner.locationId),
  });
  return { status: res.status, text: JSON.stringify(res.body) };
}

export async function explain(
  owner: Pick<Owner, "locationId" | "userId">,
  gmailMessageId: string,
): Promise<ExplanationJson> {
  const res = await api<{ explanation: ExplanationJson }>(
    "GET",
    `${base(owner)}/explain?gmailMessageId=${encodeURIComponent(gmailMessageId)}`,
    {
      token: await locationToken(owner.locationId),
    },
  );
  if (res.status !== 200) throw new Error(`explain: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.explanation;
}

export async function requestReconcile(
  owner: Pick<Owner, "locationId" | "userId">,
): Promise<{ status: number; body: unknown }> {
  return api("POST", `${base(owner)}/reconcile`, { token: await locationToken(owner.locationId) });
}

/** Every skip reason at zero, with these exceptions: a report day's `skipped` as a test expects it. */
export function skipped(counts: Partial<Record<SkipReason, number>> = {}): Record<string, number> {
  return { ...Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])), ...counts };
}
