import { withWholeBodies } from "../content/message-content";
import type { MessageWithAttachments } from "../db/messages/read";
import type { Env } from "../env";
import { presentMessage } from "./present";

/*
 * Messages as the API answers them, bodies whole (R31): a body kept in R2 is read back byte for byte; the
 * common message, whose bodies sit in its row, costs no read beyond D1.
 */

export async function answerMessage(env: Pick<Env, "ATTACHMENTS">, row: MessageWithAttachments) {
  const [whole] = await withWholeBodies(env.ATTACHMENTS, [row]);
  return presentMessage(whole ?? row);
}

export async function answerMessages(env: Pick<Env, "ATTACHMENTS">, rows: readonly MessageWithAttachments[]) {
  return (await withWholeBodies(env.ATTACHMENTS, rows)).map(presentMessage);
}

/**
 * Bodies one page of messages may carry together: past it the page ends early (at least one message) and
 * `nextCursor` goes on from there, so a conversation of 3 MB messages never builds a 600 MB answer.
 */
export const MESSAGE_PAGE_BODY_BYTES = 8 * 1024 * 1024;

/** How many of `rows` (at most `limit`) fit the page's body budget; the first always does. */
export function rowsWithinBodyBudget(rows: readonly { bodyBytes: number }[], limit: number): number {
  let total = 0;
  const max = Math.min(limit, rows.length);
  for (let n = 0; n < max; n++) {
    total += rows[n]?.bodyBytes ?? 0;
    if (n > 0 && total > MESSAGE_PAGE_BODY_BYTES) return n;
  }
  return limit;
}
