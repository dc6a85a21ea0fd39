import { z } from "zod";
import type { GmailClient } from "./client";

const Profile = z.object({
  emailAddress: z.string(),
  historyId: z.string(),
  messagesTotal: z.number().optional(),
  threadsTotal: z.number().optional(),
});
export type Profile = z.infer<typeof Profile>;

/** users.getProfile (1 unit): the address and the mailbox's current history id. */
export function getProfile(client: GmailClient): Promise<Profile> {
  return client.request({ method: "GET", path: "/gmail/v1/users/me/profile", schema: Profile, units: 1 });
}
