import type { gmail_v1 } from "@googleapis/gmail";
import type { Hono } from "hono";
import { historyFloor, queryHistory } from "../mailbox/history-query";
import type { EmulatorState } from "../state/store";
import type { HistoryType } from "../state/types";
import { errors, gmailJson, googleError } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";
import { decodePageToken, encodePageToken } from "./page-token";

export function historyRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.get("/gmail/v1/users/:userId/history", gmailCall(state, "users.history.list"), (c) => {
    const { account, query } = c.var.call;
    const mailbox = account.mailbox;
    const start = query.string("startHistoryId");
    if (start === undefined) {
      return googleError(400, "required", "Required parameter: startHistoryId", {
        location: "startHistoryId",
        locationType: "parameter",
      });
    }
    const startHistoryId = Number(start);
    if (startHistoryId < historyFloor(mailbox, state.clock.of(account), state.options.historyRetentionMs))
      return errors.notFound();
    const labelId = query.string("labelId");
    const types = query.list("historyTypes") as HistoryType[];
    const scope = `history:${startHistoryId}:${labelId ?? ""}:${types.join(",")}`;
    const pageToken = query.string("pageToken");
    const after = pageToken === undefined ? 0 : decodePageToken(pageToken, scope);
    if (after === null) return errors.invalidArgument("Invalid pageToken");
    const hidden = mailbox.hiddenFromHistory;
    const records = hidden.size === 0 ? mailbox.records : mailbox.records.filter((r) => !hidden.has(r.messageId));
    const page = queryHistory(records, {
      startHistoryId,
      after,
      labelId,
      types,
      maxResults: query.int("maxResults") || 100,
    });
    const answer: gmail_v1.Schema$ListHistoryResponse = { historyId: String(mailbox.historyId) };
    if (page.history.length > 0) answer.history = page.history;
    if (page.next !== null) answer.nextPageToken = encodePageToken(page.next, scope);
    return gmailJson(answer);
  });
}
