import { z } from "zod";
import type { GmailClient } from "./client";

/** R3: the labels a watch covers. */
export const WATCHED_LABELS = ["INBOX", "SENT"] as const;

// Gmail answers int64 fields as strings; `expiration` is Unix ms.
const WatchAnswer = z.object({
  historyId: z.union([z.string(), z.number()]).transform(String),
  expiration: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().positive()),
});
export type WatchAnswer = z.infer<typeof WatchAnswer>;

/** users.watch (100 units): starts or renews push notifications to the Pub/Sub topic. */
export function startWatch(client: GmailClient, topicName: string): Promise<WatchAnswer> {
  return client.request({
    method: "POST",
    path: "/gmail/v1/users/me/watch",
    body: { topicName, labelIds: [...WATCHED_LABELS], labelFilterBehavior: "include" },
    schema: WatchAnswer,
    units: 100,
  });
}

/** users.stop (100 units): no more push notifications for this mailbox. */
export async function stopWatch(client: GmailClient): Promise<void> {
  await client.request({ method: "POST", path: "/gmail/v1/users/me/stop", schema: z.unknown(), units: 100 });
}
