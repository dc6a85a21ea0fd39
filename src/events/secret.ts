/**
 * Endpoint secrets and signatures of the Standard Webhooks format (API.md "Events"): the secret is
 * `whsec_` + base64 of random bytes; a signature is `v1,` + base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"
 * keyed with the decoded bytes after `whsec_`.
 */
const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  return SECRET_PREFIX + btoa(String.fromCharCode(...bytes));
}

function secretKeyBytes(secret: string): Uint8Array {
  return Uint8Array.from(atob(secret.slice(SECRET_PREFIX.length)), (c) => c.charCodeAt(0));
}

async function sign(secret: string, content: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretKeyBytes(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, content));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

/** The `webhook-signature` header: one signature per secret, space-separated (several during a rotation). */
export async function signatureHeader(
  secrets: readonly string[],
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const content = new TextEncoder().encode(`${webhookId}.${timestampSeconds}.${body}`);
  return (await Promise.all(secrets.map((secret) => sign(secret, content)))).join(" ");
}

/** What a sealed secret is bound to: a ciphertext copied onto another endpoint does not open. */
export const secretBinding = (locationId: string, webhookId: string) => `webhook:${locationId}:${webhookId}`;
