#!/usr/bin/env node
// CI: checks what `npm run deploy -- --dry-run` wrote. The deploy configuration must bind every resource that
// wrangler.toml declares under environment-specific names, carry every required setting and no secret, and
// the Worker must have compiled from it. Usage: node scripts/check-deploy-dry-run.mjs [env]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { root } from "./deploy/commands.mjs";
import { REQUIRED_VARS, SECRETS } from "./deploy/plan.mjs";

const env = process.argv[2] ?? "production";
const problems = [];
const local = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
const written = parse(readFileSync(join(root, "wrangler.deploy.dry-run.toml"), "utf8"));
const section = written.env?.[env];
if (!section) problems.push(`no [env.${env}] section`);

const bindings = (list, key = "binding") => new Map((list ?? []).map((item) => [item[key], item]));
const deployedD1 = bindings(section?.d1_databases);
for (const db of local.d1_databases ?? []) {
  const got = deployedD1.get(db.binding);
  if (!got) problems.push(`D1 binding ${db.binding} missing`);
  else if (got.database_name !== `${db.database_name}-${env}`)
    problems.push(`D1 ${db.binding} is not named for ${env}`);
  else if (!got.database_id) problems.push(`D1 ${db.binding} has no database_id`);
}
const deployedR2 = bindings(section?.r2_buckets);
for (const b of local.r2_buckets ?? []) {
  if (deployedR2.get(b.binding)?.bucket_name !== `${b.bucket_name}-${env}`) problems.push(`R2 ${b.binding} missing`);
}
const deployedProducers = bindings(section?.queues?.producers);
for (const p of local.queues?.producers ?? []) {
  if (deployedProducers.get(p.binding)?.queue !== `${p.queue}-${env}`)
    problems.push(`Queue producer ${p.binding} missing`);
}
const consumers = new Set((section?.queues?.consumers ?? []).map((c) => c.queue));
for (const c of local.queues?.consumers ?? []) {
  if (!consumers.has(`${c.queue}-${env}`)) problems.push(`Queue consumer of ${c.queue} missing`);
}
for (const key of REQUIRED_VARS) if (!section?.vars?.[key]) problems.push(`var ${key} missing`);
for (const { name } of SECRETS)
  if (section?.vars?.[name] !== undefined) problems.push(`secret ${name} written as a var`);
for (const [key, value] of Object.entries(section?.vars ?? {})) {
  if (/localhost|127\.0\.0\.1|\.test\b/.test(String(value))) problems.push(`var ${key} points at a local address`);
}
if (written.main !== local.main) problems.push("main differs from wrangler.toml");
if (!existsSync(join(root, ".deploy", "dry-run", env, "index.js"))) problems.push("the Worker was not compiled");

if (problems.length) {
  console.error(`deploy dry run: ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
  process.exit(1);
}
console.log(
  `deploy dry run: [env.${env}] binds every resource of wrangler.toml, every setting present, no secret, compiled`,
);
