import type { Account } from "../state/types";
import { escapeHtml } from "./errors";
import type { AuthRequest } from "./request";
import { isBasicScope } from "./scopes";

/** What Google's consent screen says for each scope, so a person can tell what they are allowing. */
const SCOPE_TEXT: Record<string, string> = {
  openid: "Associate you with your personal info on Google",
  "https://www.googleapis.com/auth/userinfo.email": "See your primary Google Account email address",
  "https://www.googleapis.com/auth/userinfo.profile": "See your personal info, including any you made public",
  "https://mail.google.com/": "Read, compose, send, and permanently delete all your email from Gmail",
  "https://www.googleapis.com/auth/gmail.modify": "Read, compose, and send emails from your Gmail account",
  "https://www.googleapis.com/auth/gmail.send": "Send email on your behalf",
  "https://www.googleapis.com/auth/gmail.readonly": "View your email messages and settings",
  "https://www.googleapis.com/auth/gmail.compose": "Manage drafts and send emails",
  "https://www.googleapis.com/auth/gmail.labels": "See and edit your email labels",
  "https://www.googleapis.com/auth/gmail.metadata": "View your email message metadata such as labels and headers",
};

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:#202124}
h1{font-size:1.5rem;margin-bottom:.25rem}.note{background:#f1f3f4;padding:.5rem .75rem;border-radius:6px;font-size:.9rem}
fieldset{border:1px solid #dadce0;border-radius:8px;margin:1rem 0;padding:.75rem 1rem}legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.35rem 0}code{font-size:.8rem;color:#5f6368}input[type=email]{font:inherit;padding:.3rem;width:18rem}
.error{color:#b3261e;font-weight:600}button{font:inherit;padding:.5rem 1.5rem;margin-right:.5rem;border-radius:6px;border:1px solid #dadce0;cursor:pointer}
button[value=allow]{background:#1a73e8;color:#fff;border-color:#1a73e8}`;

function accountFieldset(request: AuthRequest, accounts: Account[], autoCreate: boolean): string {
  const hint = request.loginHint?.toLowerCase() ?? null;
  const radios = accounts
    .map((a, i) => {
      const checked = hint ? a.email === hint : i === 0;
      return `<label><input type="radio" name="account" value="${escapeHtml(a.email)}"${checked ? " checked" : ""}> ${escapeHtml(a.email)}</label>`;
    })
    .join("\n");
  const typedValue = hint && !accounts.some((a) => a.email === hint) ? escapeHtml(hint) : "";
  // With no account to pick, the typed address is the only choice: required (Deny skips the check).
  const typed = !autoCreate
    ? ""
    : accounts.length === 0
      ? `<label>Email address of the Gmail account to connect (created on the fly):<br><input type="email" name="newAccount" value="${typedValue}" placeholder="me@gmail.com" required autofocus></label>`
      : `<label>Or type another address (used instead of the one picked above; created on the fly):<br><input type="email" name="newAccount" value="${typedValue}" placeholder="another@gmail.com"></label>`;
  const none =
    accounts.length === 0 && !autoCreate
      ? "<p>No accounts yet: create one with <code>POST /__emulator/accounts</code>.</p>"
      : "";
  return `<fieldset><legend>Account</legend>${radios}${none}${typed}</fieldset>`;
}

function scopeFieldset(request: AuthRequest): string {
  const rows = request.scopes
    .map((s) => {
      const basic = isBasicScope(s);
      const text = escapeHtml(SCOPE_TEXT[s] ?? s);
      return `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked${basic ? " disabled" : ""}> ${text}<br><code>${escapeHtml(s)}</code>${basic ? " <code>(always granted)</code>" : ""}</label>`;
    })
    .join("\n");
  return `<fieldset><legend>Allow access to</legend>${rows}</fieldset>`;
}

/**
 * The plain consent screen served under `npm start`: pick (or type) an account, untick scopes, Allow or Deny.
 * The form posts back the original query string, so the decision is checked against the same request.
 */
export function consentPage(
  request: AuthRequest,
  query: string,
  accounts: Account[],
  autoCreate: boolean,
  error?: string,
): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in - Google Accounts (emulator)</title><style>${STYLE}</style></head>
<body><h1>Sign in with Google</h1>
<p class="note">Local Google emulator: stands in for Google's sign-in and consent screens. No password, and nothing leaves this machine.</p>
<p><b>${escapeHtml(request.clientId)}</b> wants to access your Google Account.</p>
${error ? `<p class="error">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/o/oauth2/v2/auth/consent">
<input type="hidden" name="query" value="${escapeHtml(query)}">
${accountFieldset(request, accounts, autoCreate)}
${scopeFieldset(request)}
<p>Allow or Deny sends you back to <code>${escapeHtml(request.redirectUri)}</code>.</p>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form></body></html>`;
  return new Response(html, { status: error ? 400 : 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
