import { html } from "hono/html";
import type { MailboxView } from "../schemas/mailbox";

/*
 * The hosted "Settings > My Profile > Email (2-way sync)" page. hono/html escapes every interpolated value;
 * notices are our own fixed texts, chosen by key, so nothing from the query string is echoed.
 */
const STATUS_TEXT: Record<MailboxView["status"], string> = {
  not_connected: "Not connected",
  active: "Connected and syncing",
  needs_reauth: "Needs you to sign in again",
  disconnected: "Disconnected",
};

export const NOTICES = {
  connected: "Gmail is connected.",
  disconnected: "Gmail is disconnected. Everything synced so far stays in the CRM.",
  mailbox_taken: "That Google account is already connected by another CRM user.",
  insufficient_scope: "Google did not grant every permission the sync needs; connect again and keep them all ticked.",
  access_denied: "Connecting was cancelled on Google's page.",
  google_error: "Google's answer could not be used; try again.",
  failed: "Gmail could not be connected; try again.",
} as const;
export type NoticeKey = keyof typeof NOTICES;

const when = (iso: string | null) =>
  iso ? html`<time datetime="${iso}">${iso.replace("T", " ").slice(0, 19)} UTC</time>` : "never";

function actions(status: MailboxView["status"], token: string) {
  const form = (path: string, label: string, name: string) =>
    html`<form method="post" action="/connect/${path}"><input type="hidden" name="token" value="${token}"><button type="submit" name="action" value="${name}">${label}</button></form>`;
  if (status === "active")
    return html`${form("connect", "Update email", "update")}${form("disconnect", "Disconnect", "disconnect")}`;
  if (status === "needs_reauth")
    return html`${form("connect", "Reconnect Gmail", "reconnect")}${form("disconnect", "Disconnect", "disconnect")}`;
  return form("connect", "Connect Gmail", "connect");
}

export function settingsPage(mailbox: MailboxView, token: string, notice: NoticeKey | null) {
  const quota = mailbox.sendQuota;
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Email (2-way sync)</title><link rel="stylesheet" href="/connect/style.css"></head>
<body><main>
<h1>Email (2-way sync)</h1>
${notice ? html`<p class="notice" role="status">${NOTICES[notice]}</p>` : ""}
<dl>
<dt>Status</dt><dd id="status" data-status="${mailbox.status}">${STATUS_TEXT[mailbox.status]}</dd>
<dt>Gmail address</dt><dd id="address">${mailbox.emailAddress ?? "none"}</dd>
<dt>Last sync</dt><dd id="last-sync">${when(mailbox.lastSyncedAt)}</dd>
<dt>Sends today</dt><dd id="send-quota">${quota.used} of ${quota.limit} (${quota.remaining} left${quota.nextAvailableAt ? html`, next at ${when(quota.nextAvailableAt)}` : ""})</dd>
<dt>Messages that could not be imported</dt><dd id="parked">${mailbox.parkedMessages}</dd>
</dl>
<div class="actions">${actions(mailbox.status, token)}</div>
</main></body></html>
`;
}

/** The page for a link that cannot be used: our fixed sentence only. */
export function problemPage(text: string) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Email (2-way sync)</title><link rel="stylesheet" href="/connect/style.css"></head>
<body><main><h1>Email (2-way sync)</h1><p class="problem" role="alert">${text}</p></main></body></html>
`;
}
