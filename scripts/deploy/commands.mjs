// Runs (or, in a dry run, prints) the commands of a deploy script. Secrets never travel as arguments: they go
// through standard input or a 0600 file, so neither the printed plan nor `ps` shows them.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** wrangler from this project, never prompting, never phoning home. */
export const WRANGLER = join(root, "node_modules", ".bin", "wrangler");
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", CI: "true" };

function shown(command, args) {
  const name = command === WRANGLER ? "npx wrangler" : command;
  return [name, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(" ");
}

/**
 * A runner bound to one mode. `run` executes a command that changes something (printed and skipped in a dry
 * run); `read` executes a command that only looks (skipped in a dry run too: no account is needed there).
 */
export function createRunner({ dryRun }) {
  function exec(command, args, { input, quiet } = {}) {
    const result = spawnSync(command, args, {
      cwd: root,
      env: command === WRANGLER ? wranglerEnv : process.env,
      input,
      encoding: "utf8",
      stdio: [input === undefined ? "inherit" : "pipe", quiet ? "pipe" : "inherit", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw new Error(`${shown(command, args)} could not start: ${result.error.message}`);
    return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  }
  return {
    dryRun,
    /** A step that changes the account. Fails the script (with wrangler's own words) when it fails. */
    run(command, args, options = {}) {
      console.log(
        `${dryRun ? "  would run" : "  running"}: ${shown(command, args)}${options.note ? `  (${options.note})` : ""}`,
      );
      if (dryRun) return { status: 0, stdout: "", stderr: "" };
      const result = exec(command, args, options);
      if (result.status !== 0 && options.tolerate?.test(result.stderr)) {
        console.log("  already done");
        return result;
      }
      if (result.status !== 0) {
        process.stderr.write(result.stderr);
        throw new Error(`${shown(command, args)} failed (exit ${result.status}); see its message above`);
      }
      return result;
    },
    /** A look-up. Returns null in a dry run; the caller then assumes nothing exists yet. */
    read(command, args) {
      if (dryRun) {
        console.log(`  would read: ${shown(command, args)}`);
        return null;
      }
      return exec(command, args, { quiet: true });
    },
    /** A dry run still compiles: used for `wrangler deploy --dry-run`, which needs no account. */
    always(command, args) {
      console.log(`  running: ${shown(command, args)}`);
      const result = exec(command, args, {});
      if (result.status !== 0) {
        process.stderr.write(result.stderr);
        throw new Error(`${shown(command, args)} failed (exit ${result.status})`);
      }
      return result;
    },
  };
}
