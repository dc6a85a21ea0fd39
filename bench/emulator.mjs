/**
 * Bench only: the Google emulator and the in-process pieces the sync bench seeds mail with, loaded as one
 * module graph (one tsImport) so the delivery functions work on the same state as the emulator's app.
 */
export { createGoogleEmulator } from "../emulator/index.ts";
export { composeFromFields } from "../emulator/control/compose.ts";
export { deliverInbound } from "../emulator/mailbox/deliver.ts";
export { findAccount } from "../emulator/state/store.ts";
export { changeLabels } from "../emulator/mailbox/changes.ts";
