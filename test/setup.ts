import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is isolated per test file, not per test: each file gets a fresh D1 with the migrations applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
