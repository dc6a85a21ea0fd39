import { z } from "zod";
import { AppError } from "./errors";

const required = z.string().trim().min(1, "is missing");
const url = required.pipe(z.url({ message: "must be an absolute URL" }));
const positiveInt = (fallback: number) =>
  z.coerce.number().int("must be a whole number").positive("must be positive").default(fallback);

/** Base64 of exactly 32 bytes: the AES-256-GCM key that encrypts refresh tokens at rest. */
const encryptionKey = required.refine((value) => {
  try {
    return atob(value).length === 32;
  } catch {
    return false;
  }
}, "must be base64 of exactly 32 bytes");

/** HS256 needs a key at least as long as its hash (RFC 7518 §3.2): a short one can be guessed offline. */
const jwtSecret = required.refine(
  (value) => new TextEncoder().encode(value).byteLength >= 32,
  "must be at least 32 bytes",
);

const origins = required.transform((value, ctx) => {
  const list = value
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin (scheme://host[:port])` });
    }
  }
  return list;
});

/** Binding names as wrangler.toml spells them: letters, digits and underscores, not starting with a digit. */
const bindingNames = z
  .string()
  .trim()
  .default("DB")
  .transform((value, ctx) => {
    const list = value
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    if (list.length === 0) ctx.addIssue({ code: "custom", message: "names no D1 binding" });
    for (const name of list) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        ctx.addIssue({ code: "custom", message: `"${name}" is not a binding name` });
    }
    if (new Set(list).size !== list.length) ctx.addIssue({ code: "custom", message: "names a binding twice" });
    return list;
  });

/** docs/api.md's configuration table: every setting, its type and its default. */
export const ConfigSchema = z.object({
  GOOGLE_CLIENT_ID: required,
  GOOGLE_CLIENT_SECRET: required,
  OAUTH_REDIRECT_URL: url,
  GOOGLE_AUTH_URL: url.default("https://accounts.google.com/o/oauth2/v2/auth"),
  GOOGLE_TOKEN_URL: url.default("https://oauth2.googleapis.com/token"),
  GOOGLE_REVOKE_URL: url.default("https://oauth2.googleapis.com/revoke"),
  GOOGLE_CERTS_URL: url.default("https://www.googleapis.com/oauth2/v3/certs"),
  GMAIL_API_URL: url.default("https://gmail.googleapis.com").transform((u) => u.replace(/\/+$/, "")),
  PUBSUB_TOPIC: required.regex(/^projects\/[^/]+\/topics\/[^/]+$/, "must be projects/<project>/topics/<topic>"),
  PUBSUB_AUDIENCE: required,
  PUBSUB_SERVICE_ACCOUNT: required.transform((s) => s.toLowerCase()),
  API_JWT_SECRET: jwtSecret,
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  /** The key being rotated out: refresh tokens sealed with it are still read, and re-sealed with the new one. */
  TOKEN_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
  BCC_DOMAIN: required.transform((s) => s.toLowerCase()),
  ALLOWED_RETURN_ORIGINS: origins,
  BCC_AUTHSERV_ID: required.default("mx.cloudflare.net").transform((s) => s.toLowerCase()),
  DAILY_SEND_LIMIT: positiveInt(500),
  GMAIL_USER_QUOTA_PER_MINUTE: positiveInt(6000),
  MAX_ATTACHMENT_BYTES: positiveInt(26_214_400),
  /** Deadline of one call to Google in ms (uploads get more by size): a hung call must not hold a sync or a send. */
  GOOGLE_TIMEOUT_MS: positiveInt(30_000),
  /**
   * From address of mail the location's own provider sends (R18); its domain must be onboarded with
   * Cloudflare Email Service. Unset: `no-reply@<BCC_DOMAIN>`, a domain the service already runs mail on.
   */
  /** R31: the D1 bindings that hold locations' data; each new location is placed in one (database.ts). */
  LOCATION_DATABASES: bindingNames,
  /** R29: origins (scheme://host[:port]) event endpoints may use over plain http, for local development. */
  WEBHOOK_ALLOWED_HTTP_ORIGINS: origins.optional(),
  /** R29: deadline of one delivery attempt in ms (API.md: an answer within 10 seconds). */
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  LOCATION_SENDER_ADDRESS: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: "must be an email address" }))
    .optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Empty strings count as missing, so that `FOO=""` never slips past a default. */
function withoutEmpty(env: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (typeof value === "string" && value.trim() === "") continue;
    out[key] = value;
  }
  return out;
}

const cache = new WeakMap<object, Config | AppError>();

/**
 * Parses the environment once per env object. A missing or malformed setting is an AppError
 * `misconfigured` naming it, returned for every request: never a half-working service.
 */
export function loadConfig(env: object): Config {
  let parsed = cache.get(env);
  if (!parsed) {
    const result = ConfigSchema.safeParse(withoutEmpty(env as Record<string, unknown>));
    parsed = result.success
      ? result.data
      : new AppError(
          "misconfigured",
          `Setting ${result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}.`,
          {
            settings: [...new Set(result.error.issues.map((i) => i.path.join(".")))],
          },
        );
    cache.set(env, parsed);
  }
  if (parsed instanceof AppError) throw parsed;
  return parsed;
}
