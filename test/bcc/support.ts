/**
 * Helpers for the BCC tests: provisioning through the repositories, raw MIME assembled line by line,
 * and a stand-in for Cloudflare's ForwardableEmailMessage (the platform's input object, not our code)
 * handed to the Worker's real `email` entry in workerd.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, asc, eq } from "drizzle-orm";
import { directoryDb, locationDb } from "../../src/db/database";
import { provisionLocation } from "../../src/db/locations";
import { addMember } from "../../src/db/members";
import { attachments, connections, contacts, conversations, messages } from "../../src/db/schema";
import { upsertUser } from "../../src/db/users";
import worker from "../../src/index";

export const NOW = Date.UTC(2026, 10, 26, 10);
export const BCC_DOMAIN = "log.crm.test";

/**
 * A location with two members, the owner (`owner@<domain>` unless named) and a colleague, and optionally
 * the owner's connected mailbox.
 */
export async function provision(
  prefix: string,
  options: { domain?: string; mailbox?: string; ownerEmail?: string } = {},
) {
  const domain = options.domain ?? "agency.example";
  const dir = directoryDb(env);
  const locationId = `${prefix}-loc`;
  const location = await provisionLocation(env, locationId, `Location ${prefix}`, NOW);
  const user = await upsertUser(
    dir,
    { id: `${prefix}-owner`, email: options.ownerEmail ?? `owner@${domain}`, name: "Olive Owner" },
    NOW,
  );
  const colleague = await upsertUser(dir, { id: `${prefix}-colleague`, email: `colleague@${domain}`, name: null }, NOW);
  const db = await locationDb(env, locationId);
  await addMember(db, locationId, user.id, NOW);
  await addMember(db, locationId, colleague.id, NOW);
  if (options.mailbox) {
    await db
      .insert(connections)
      .values({
        locationId,
        userId: user.id,
        mailboxAddress: options.mailbox,
        status: "active",
        connectedAt: NOW,
        updatedAt: NOW,
      })
      .run();
  }
  return {
    locationId,
    db,
    user,
    colleague,
    bccAddress: `${location.bccToken}@${BCC_DOMAIN}`,
    token: location.bccToken,
  };
}

/** Cloudflare Email Routing's own verdict header, as it prepends it. */
export function trustedResults(fromDomain: string, verdict = `dmarc=pass header.from=${fromDomain}`): string {
  return `ARC-Authentication-Results: i=1; mx.cloudflare.net;\r\n\tdkim=none; ${verdict};\r\n\tarc=none smtp.remote-ip=192.0.2.10`;
}

/** Header lines and a body joined with CRLF, the way mail travels. */
export function mime(headers: string[], body: string[] | string): string {
  return `${headers.join("\r\n")}\r\n\r\n${Array.isArray(body) ? body.join("\r\n") : body}`;
}

export function base64Lines(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
  const b64 = btoa(binary);
  return b64.replace(/.{1,76}/g, "$&\r\n").trimEnd();
}

export interface Delivery {
  rejections: string[];
}

/** Delivers `raw` to the Worker's email handler as Email Routing would; collects setReject reasons. */
export async function deliver(
  raw: string | Uint8Array,
  envelope: { to: string; from?: string; rawSize?: number },
): Promise<Delivery> {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const rejections: string[] = [];
  const message: ForwardableEmailMessage = {
    from: envelope.from ?? "bounce@agency.example",
    to: envelope.to,
    headers: new Headers(),
    raw: new Response(bytes).body as ReadableStream<Uint8Array>,
    rawSize: envelope.rawSize ?? bytes.byteLength,
    canBeForwarded: false,
    setReject: (reason: string) => {
      rejections.push(reason);
    },
    forward: () => Promise.reject(new Error("the BCC handler never forwards")),
    reply: () => Promise.reject(new Error("the BCC handler never replies")),
  };
  const ctx = createExecutionContext();
  const handle = worker.email;
  if (!handle) throw new Error("the Worker exports no email handler");
  await handle(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return { rejections };
}

/** What a location holds after deliveries: contacts, conversations, messages with their attachments. */
export async function snapshotLocation(locationId: string) {
  const db = await locationDb(env, locationId);
  const contactRows = await db
    .select()
    .from(contacts)
    .where(eq(contacts.locationId, locationId))
    .orderBy(asc(contacts.createdAt), asc(contacts.id))
    .all();
  const conversationRows = await db.select().from(conversations).where(eq(conversations.locationId, locationId)).all();
  const messageRows = await db
    .select()
    .from(messages)
    .where(eq(messages.locationId, locationId))
    .orderBy(asc(messages.sentAt))
    .all();
  const attachmentRows = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.locationId, locationId)))
    .orderBy(asc(attachments.messageId), asc(attachments.position))
    .all();
  return { contacts: contactRows, conversations: conversationRows, messages: messageRows, attachments: attachmentRows };
}
