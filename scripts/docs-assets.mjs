#!/usr/bin/env node
// postinstall: copies Swagger UI's two files from node_modules/swagger-ui-dist into public/docs/, the Workers
// static assets that GET /docs loads. Served by Cloudflare's asset layer, never bundled into the Worker, and
// fetched from nowhere else at run time (no CDN). The copies are ignored by git: npm install makes them.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "public", "docs");
if (!existsSync(from)) {
  console.warn(
    "docs-assets: swagger-ui-dist is not installed (npm install --omit=dev?); GET /docs will have no renderer",
  );
  process.exit(0);
}
mkdirSync(to, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) copyFileSync(join(from, file), join(to, file));
