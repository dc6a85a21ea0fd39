// Dependencies point one way, http → domain: the routes present what the domain returns, and nothing under
// src/ but the HTTP edge (and index.ts, which wires it) imports from src/http/. madge finds file cycles;
// this finds the folder-level ones it cannot see.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");
const http = join(src, "http");
const IMPORT = /^\s*(?:import|export)\b[^"']*?from\s+["'](\.[^"']+)["']/gm;

const offenders = [];
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath, entry.name);
  if (!entry.isFile() || !file.endsWith(".ts") || file.startsWith(`${http}/`) || file === join(src, "index.ts"))
    continue;
  for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const target = resolve(dirname(file), spec);
    if (target === http || target.startsWith(`${http}/`)) offenders.push(`${relative(root, file)} → ${spec}`);
  }
}
if (offenders.length > 0) {
  console.error(
    `The domain imports the HTTP edge (dependencies must point http → domain):\n  ${offenders.join("\n  ")}`,
  );
  process.exit(1);
}
console.log("layers: nothing outside src/http imports it");
