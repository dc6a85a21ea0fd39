import type { Account } from "../state/types";
import { escapeHtml } from "./errors";
import type { AuthRequest } from "./request";
import { isBasicScope } from "./scopes";

/**
 * The plain consent screen served under `npm start`: pick (or type) an account, untick scopes, Allow or Deny.
 * The form posts back the original query string, so the decision is checked against the same request.
 */
export function consentPage(request: AuthRequest, query: string, accounts: Account[], autoCreate: boolean): Response {
  const hint = request.loginHint?.toLowerCase() ?? null;
  const choices = accounts
    .map((a, i) => {
      const checked = hint ? a.email === hint : i === 0;
      return `<label><input type="radio" name="account" value="${escapeHtml(a.email)}"${checked ? " checked" : ""}> ${escapeHtml(a.email)}</label><br>`;
    })
    .join("\n");
  const typed = autoCreate
    ? `<label>or another address (created on the fly): <input type="email" name="newAccount" value="${hint && !accounts.some((a) => a.email === hint) ? escapeHtml(hint) : ""}"></label>`
    : "";
  const scopes = request.scopes
    .map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked${isBasicScope(s) ? " disabled" : ""}> ${escapeHtml(s)}</label><br>`)
    .join("\n");
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>Sign in - Google Accounts (emulator)</title>
<style>body{font-family:sans-serif;max-width:40rem;margin:3rem auto}fieldset{margin:1rem 0}</style></head>
<body><h1>Google emulator: choose an account</h1>
<p><b>${escapeHtml(request.clientId)}</b> wants to access your Google Account.</p>
<form method="post" action="/o/oauth2/v2/auth/consent">
<input type="hidden" name="query" value="${escapeHtml(query)}">
<fieldset><legend>Account</legend>${choices || "<p>No accounts yet.</p>"}${typed}</fieldset>
<fieldset><legend>Allow access to</legend>${scopes}</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>`;
  return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
