import type { gmail_v1 } from "@googleapis/gmail";
import type { Hono } from "hono";
import { DAY_MS } from "../options";
import type { EmulatorState } from "../state/store";
import { readJsonBody } from "./body";
import { errors, gmailJson, googleError } from "./errors";
import { gmailCall, type GmailEnv } from "./guard";

/** A watch lasts 7 days; the client must renew it (Google recommends daily). */
export const WATCH_TTL_MS = 7 * DAY_MS;
const TOPIC = /^projects\/[^/]+\/topics\/[^/]+$/;

export function watchRoutes(app: Hono<GmailEnv>, state: EmulatorState): void {
  app.post("/gmail/v1/users/:userId/watch", gmailCall(state, "users.watch"), async (c) => {
    const { account, token } = c.var.call;
    const read = await readJsonBody(c.req.raw);
    if (!read.ok) return read.response;
    const body = read.body as gmail_v1.Schema$WatchRequest;
    if (!body.topicName) return errors.invalidArgument("topicName required");
    if (typeof body.topicName !== "string" || !TOPIC.test(body.topicName)) {
      return errors.invalidArgument("Invalid topicName does not match projects/SOME_ANDROID_PROJECT/topics/*");
    }
    // Gmail publishes a test message on watch; a topic it cannot publish to fails the watch.
    if (![...state.subscriptions.values()].some((s) => s.topic === body.topicName)) {
      return googleError(
        403,
        "forbidden",
        `Error sending test message to Cloud PubSub ${body.topicName} : User not authorized to perform this action.`,
      );
    }
    const behavior = body.labelFilterBehavior ?? body.labelFilterAction ?? "include";
    if (behavior !== "include" && behavior !== "exclude")
      return errors.invalidArgument(`Invalid value for labelFilterBehavior: ${String(behavior)}`);
    const labelIds = body.labelIds ?? [];
    if (!Array.isArray(labelIds) || labelIds.some((l) => typeof l !== "string"))
      return errors.invalidArgument("Invalid labelIds");
    const expiration = state.clock.of(account) + WATCH_TTL_MS;
    account.watch = { topicName: body.topicName, labelIds, behavior, expiration, clientId: token.clientId };
    const answer: gmail_v1.Schema$WatchResponse = {
      historyId: String(account.mailbox.historyId),
      expiration: String(expiration),
    };
    return gmailJson(answer);
  });

  app.post("/gmail/v1/users/:userId/stop", gmailCall(state, "users.stop"), (c) => {
    c.var.call.account.watch = null;
    return new Response(null, { status: 204 });
  });
}
