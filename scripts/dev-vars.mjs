// Reads .dev.vars (written by `npm start` on its first run) for the local helper scripts.
import { existsSync, readFileSync } from "node:fs";

const file = new URL("../.dev.vars", import.meta.url);

/** The settings of .dev.vars as an object; exits with a hint when `npm start` has not written it yet. */
export function readDevVars() {
  if (!existsSync(file)) {
    console.error("No .dev.vars yet: run `npm start` once (it writes the local secrets), then try again.");
    process.exit(1);
  }
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}
