// Pure planning for `npm run deploy`: from the local wrangler.toml (the shape: which bindings exist), the
// operator's settings file and what the account already has, decide which resources to create and write the
// deploy configuration. No I/O here, so a dry run and a real run plan exactly the same way.

/**
 * Keys wrangler does not inherit into an environment: each `[env.X]` must restate them. Everything else
 * (name, main, compatibility_*, migrations, triggers, assets, …) is inherited from the top level.
 */
const NOT_INHERITED = new Set([
  "vars",
  "define",
  "durable_objects",
  "d1_databases",
  "r2_buckets",
  "kv_namespaces",
  "queues",
  "services",
  "send_email",
  "analytics_engine_datasets",
  "tail_consumers",
]);

/** Settings the service cannot start without (docs/api.md "Configuration"); secrets are handled apart. */
export const REQUIRED_VARS = [
  "GOOGLE_CLIENT_ID",
  "OAUTH_REDIRECT_URL",
  "PUBSUB_TOPIC",
  "PUBSUB_AUDIENCE",
  "PUBSUB_SERVICE_ACCOUNT",
  "BCC_DOMAIN",
  "ALLOWED_RETURN_ORIGINS",
];

/** Secrets: the operator brings the OAuth client secret; the two keys are generated when none exists. */
export const SECRETS = [
  { name: "GOOGLE_CLIENT_SECRET", generate: null },
  { name: "API_JWT_SECRET", generate: "hex32" },
  { name: "TOKEN_ENCRYPTION_KEY", generate: "base64-32" },
];

/** Settings that only make sense against the local emulator and must never reach a deployed service. */
const LOCAL_ONLY_VARS = new Set(["WEBHOOK_ALLOWED_HTTP_ORIGINS"]);

export const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;

/** The resource names of one environment: the local names suffixed with the environment. */
export function resourceNames(local, env) {
  const d1 = (local.d1_databases ?? []).map((db) => ({
    binding: db.binding,
    name: `${db.database_name}-${env}`,
    migrationsDir: db.migrations_dir,
  }));
  const r2 = (local.r2_buckets ?? []).map((b) => ({ binding: b.binding, name: `${b.bucket_name}-${env}` }));
  const queueNames = new Set();
  for (const p of local.queues?.producers ?? []) queueNames.add(p.queue);
  for (const c of local.queues?.consumers ?? []) {
    queueNames.add(c.queue);
    if (c.dead_letter_queue) queueNames.add(c.dead_letter_queue);
  }
  const queues = [...queueNames].map((q) => ({ local: q, name: `${q}-${env}` }));
  return { d1, r2, queues };
}

/**
 * The R2 lifecycle rule for attachments staged by sends (src/http/send-body/staging.ts, STAGING_PREFIX):
 * a send deletes its staged files when it ends, but a Worker that dies mid-send leaves them, or leaves an
 * unfinished multipart upload (a JSON send's large attachment); R2 removes both a day later. A day is R2's
 * smallest age, and far past any send's deadline.
 */
export const STAGING_LIFECYCLE = { rule: "expire-staged-sends", prefix: "staging/", expireDays: 1 };

/** The wrangler arguments that add the staging rule to `bucket` (run only when the bucket lacks it). */
export function stagingLifecycleArgs(bucket) {
  const { rule, prefix, expireDays } = STAGING_LIFECYCLE;
  const days = String(expireDays);
  return [
    "r2",
    "bucket",
    "lifecycle",
    "add",
    bucket,
    rule,
    prefix,
    "--expire-days",
    days,
    "--abort-multipart-days",
    days,
  ];
}

/** Whether `wrangler r2 bucket lifecycle list <bucket>`'s text shows the staging rule (a second run adds none). */
export function stagingRuleListed(listText) {
  return new RegExp(`(^|[^\\w-])${STAGING_LIFECYCLE.rule}($|[^\\w-])`, "m").test(listText);
}

/**
 * What must be created: every named resource the account does not have. `existing` holds the names the
 * account already has (and the D1 ids by name), read by the caller; a second run therefore creates nothing.
 */
export function missingResources(names, existing) {
  return {
    d1: names.d1.filter((db) => !existing.d1.has(db.name)),
    r2: names.r2.filter((b) => !existing.r2.has(b.name)),
    queues: names.queues.filter((q) => !existing.queues.has(q.name)),
  };
}

/** Checks the operator's settings file: every required var present, nothing local-only, no secret in it. */
export function checkSettings(settings) {
  const problems = [];
  const vars = settings?.vars ?? {};
  for (const key of REQUIRED_VARS) {
    if (typeof vars[key] !== "string" || vars[key].trim() === "") problems.push(`vars.${key} is missing`);
  }
  for (const key of Object.keys(vars)) {
    if (LOCAL_ONLY_VARS.has(key)) problems.push(`vars.${key} is for local development only`);
    if (SECRETS.some((s) => s.name === key)) problems.push(`vars.${key} is a secret: pass it in the environment`);
  }
  if (typeof vars.OAUTH_REDIRECT_URL === "string" && !vars.OAUTH_REDIRECT_URL.startsWith("https://")) {
    problems.push("vars.OAUTH_REDIRECT_URL must be https:// (Google refuses other redirect URIs in production)");
  }
  return problems;
}

/**
 * The deploy configuration: the local file's inherited keys at the top level (so the Worker's shape is the
 * same code everywhere), then one `[env.<name>]` per environment with its own resource names and ids.
 * `d1Ids` maps database names to ids; a dry run passes placeholders for databases not created yet.
 */
export function deployConfig({ local, previous, env, settings, names, d1Ids }) {
  const top = {};
  for (const [key, value] of Object.entries(local)) {
    if (!NOT_INHERITED.has(key) && key !== "env") top[key] = value;
  }
  const section = {};
  if (settings.routes) section.routes = settings.routes;
  section.vars = { ...(local.vars ?? {}), ...settings.vars };
  if (local.durable_objects) section.durable_objects = local.durable_objects;
  if (local.send_email) section.send_email = local.send_email;
  section.d1_databases = names.d1.map((db, i) => ({
    ...local.d1_databases[i],
    database_name: db.name,
    database_id: d1Ids.get(db.name),
  }));
  section.r2_buckets = names.r2.map((b) => ({ binding: b.binding, bucket_name: b.name }));
  if (local.queues) section.queues = renameQueues(local.queues, names.queues);
  return { ...top, env: { ...(previous?.env ?? {}), [env]: section } };
}

function renameQueues(queues, names) {
  const rename = (q) => names.find((n) => n.local === q)?.name ?? q;
  const out = {};
  if (queues.producers) out.producers = queues.producers.map((p) => ({ ...p, queue: rename(p.queue) }));
  if (queues.consumers) {
    out.consumers = queues.consumers.map((c) => ({
      ...c,
      queue: rename(c.queue),
      ...(c.dead_letter_queue ? { dead_letter_queue: rename(c.dead_letter_queue) } : {}),
    }));
  }
  return out;
}
