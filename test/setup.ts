import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is isolated per test file, not per test: each file gets fresh databases with the migrations applied,
// the directory (DB) and every location database of LOCATION_DATABASES alike (R31).
const bindings = new Set([
  "DB",
  ...String(env.LOCATION_DATABASES ?? "DB")
    .split(",")
    .map((name) => name.trim()),
]);
for (const binding of bindings)
  await applyD1Migrations((env as unknown as Record<string, D1Database>)[binding] as D1Database, env.TEST_MIGRATIONS);
