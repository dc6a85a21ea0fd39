/**
 * Shared steps of the send tests: a connected user with a contact, a send through the public API, and
 * the mailbox's Sent folder as the Google emulator holds it.
 */
import { api, locationToken, uniqueId, type ApiResult } from "../support/api";
import { connectMailbox } from "../support/connect";
import { createAccount, readMailbox, uniqueEmail, type MessageView } from "../support/google";

export interface SentMessageJson {
  id: string;
  conversationId: string;
  contactId: string;
  provider: "gmail" | "location" | null;
  source: string;
  subject: string;
  messageIdHeader: string | null;
  from: { email: string; name: string | null };
  to: { email: string; name: string | null }[];
  cc: { email: string; name: string | null }[];
  bcc: { email: string; name: string | null }[];
  text: string | null;
  html: string | null;
  gmail: { mailbox: string; messageId: string; threadId: string } | null;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
}

export interface Sender {
  locationId: string;
  userId: string;
  address: string;
  contactId: string;
  contactEmail: string;
}

/** A user with their Gmail connected in a new location, and one contact there. */
export async function connectedSender(options: { userName?: string; contactName?: string } = {}): Promise<Sender> {
  const account = uniqueEmail("owner");
  await createAccount(account);
  const { locationId, userId, address } = await connectMailbox({ account });
  await api("PUT", `/v1/users/${userId}`, {
    body: { email: `${userId.toLowerCase()}@crm.test`, name: options.userName ?? "Olga Owner" },
  });
  const contact = await addContact(locationId, options.contactName ?? "Carl Contact");
  return { locationId, userId, address, contactId: contact.id, contactEmail: contact.email };
}

export async function addContact(
  locationId: string,
  name: string | null,
  email = uniqueEmail("contact", "client.test"),
) {
  const res = await api<{ contact: { id: string; email: string } }>("POST", `/v1/locations/${locationId}/contacts`, {
    body: name === null ? { email } : { email, name },
  });
  if (res.status !== 201) throw new Error(`addContact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.contact;
}

export async function send(
  sender: Pick<Sender, "locationId" | "userId" | "contactId">,
  body: Record<string, unknown>,
  idempotencyKey?: string,
): Promise<
  ApiResult<{ message: SentMessageJson; error?: { code: string; message: string; details?: Record<string, unknown> } }>
> {
  return api("POST", `/v1/locations/${sender.locationId}/messages`, {
    token: await locationToken(sender.locationId),
    body: { userId: sender.userId, contactId: sender.contactId, ...body },
    ...(idempotencyKey === undefined ? {} : { headers: { "idempotency-key": idempotencyKey } }),
  });
}

/** What Gmail holds in the mailbox's Sent. */
export async function sentInGmail(address: string): Promise<MessageView[]> {
  const box = await readMailbox(address);
  return box.messages.filter((m) => m.labelIds.includes("SENT"));
}

export const newKey = () => uniqueId("key");

/** `size` bytes of a repeating but non-trivial pattern, as base64. */
export function bytesBase64(size: number, seed = 7): { bytes: Uint8Array; base64: string } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  let binary = "";
  for (let i = 0; i < size; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { bytes, base64: btoa(binary) };
}
