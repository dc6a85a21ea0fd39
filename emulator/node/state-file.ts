/**
 * `npm start`'s emulator keeps its state in a JSON file (GOOGLE_EMULATOR_STATE_FILE, under .wrangler/), so a
 * restart keeps the demo's accounts, mail, grants and pending pushes. Written when it changed, every second
 * and at shutdown, through a temporary file and a rename, so a crash leaves the previous whole copy.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { GoogleEmulator } from "../index";
import { restoreSnapshot, takeSnapshot, type EmulatorSnapshot } from "../state/snapshot";

const SAVE_EVERY_MS = 1000;

export function loadStateFile(google: GoogleEmulator, file: string): number {
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as EmulatorSnapshot;
  restoreSnapshot(google.state, snapshot);
  return snapshot.accounts.length;
}

/** Starts saving; the answer saves once more and stops (call it at shutdown). */
export function keepStateFile(google: GoogleEmulator, file: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  let written = existsSync(file) ? readFileSync(file, "utf8") : "";
  const save = () => {
    const text = JSON.stringify(takeSnapshot(google.state));
    if (text === written) return;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    written = text;
  };
  const timer = setInterval(save, SAVE_EVERY_MS);
  return () => {
    clearInterval(timer);
    save();
  };
}
