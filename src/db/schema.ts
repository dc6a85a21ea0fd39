import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/*
 * Two kinds of tables. Directory tables (locations, users, mailboxes) are global and small. Every other
 * table carries `location_id` first in its key: it lives in that location's database (see database.ts),
 * so no query ever joins across locations. Times are Unix milliseconds.
 */

const createdAt = () => integer("created_at").notNull();

// ── directory ────────────────────────────────────────────────────────────────────────────────────────

export const locations = sqliteTable(
  "locations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** The unguessable local part of the BCC logging address (R19), stored lower-case. */
    bccToken: text("bcc_token").notNull(),
    /** R31: the D1 binding holding the location's data, fixed at creation (database.ts). */
    database: text("database").notNull().default("DB"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("locations_bcc_token_uq").on(t.bccToken)],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Normalised: trimmed and lower-cased. */
    email: text("email").notNull(),
    name: text("name"),
    createdAt: createdAt(),
  },
  (t) => [index("users_email_idx").on(t.email)],
);

/** Which CRM user holds each Google account (R1: one user per Google account). */
export const mailboxes = sqliteTable(
  "mailboxes",
  {
    /** Normalised Google address; also the name of the mailbox's Durable Object. */
    address: text("address").primaryKey(),
    ownerUserId: text("owner_user_id").notNull(),
    status: text("status", { enum: ["active", "needs_reauth", "disconnected"] }).notNull(),
    /** Last completed sync, for the cron catch-up (R22). */
    lastSyncedAt: integer("last_synced_at"),
    watchExpiresAt: integer("watch_expires_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  // The cron's renewal page: active mailboxes whose watch expires soonest (R3).
  (t) => [
    index("mailboxes_status_watch_idx").on(t.status, t.watchExpiresAt),
    // R7: every mailbox a user holds counts as that user's address, including one replaced by R4.
    index("mailboxes_owner_idx").on(t.ownerUserId),
  ],
);

/** How many locations each location database holds: new locations go to the least loaded (R31). */
export const locationDatabases = sqliteTable("location_databases", {
  binding: text("binding").primaryKey(),
  locations: integer("locations").notNull(),
});

/**
 * OAuth states already used at the callback (single use). Kept until the state's own expiry: after that
 * the state is refused for being expired, so the row can go.
 */
export const oauthStateUses = sqliteTable(
  "oauth_state_uses",
  {
    stateId: text("state_id").primaryKey(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("oauth_state_uses_expires_idx").on(t.expiresAt)],
);

/**
 * Authenticated Gmail pushes answered 204 but not used (docs/api.md "Gmail push": malformed body, unknown or
 * disconnected mailbox), counted by reason for operators (GET /v1/admin/webhook-stats). A handful of rows.
 */
export const webhookIgnored = sqliteTable("webhook_ignored", {
  reason: text("reason").primaryKey(),
  count: integer("count").notNull(),
  lastAt: integer("last_at").notNull(),
});

// ── per location ─────────────────────────────────────────────────────────────────────────────────────

export const members = sqliteTable(
  "members",
  {
    locationId: text("location_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.userId] })],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    email: text("email").notNull(),
    name: text("name"),
    assignedUserId: text("assigned_user_id"),
    createdAt: createdAt(),
  },
  // R12: the first created contact of an address wins; this index answers it without a sort.
  (t) => [index("contacts_location_email_idx").on(t.locationId, t.email, t.createdAt, t.id)],
);

/** A user's link of a mailbox in one location (Settings > My Profile > Email). */
export const connections = sqliteTable(
  "connections",
  {
    locationId: text("location_id").notNull(),
    userId: text("user_id").notNull(),
    mailboxAddress: text("mailbox_address").notNull(),
    status: text("status", { enum: ["active", "needs_reauth", "disconnected"] }).notNull(),
    connectedAt: integer("connected_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.userId] }),
    index("connections_location_mailbox_idx").on(t.locationId, t.mailboxAddress),
  ],
);

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    contactId: text("contact_id").notNull(),
    messageCount: integer("message_count").notNull().default(0),
    lastMessageAt: integer("last_message_at"),
    createdAt: createdAt(),
  },
  (t) => [
    // One conversation per contact per location: concurrent imports converge on the same row.
    uniqueIndex("conversations_location_contact_uq").on(t.locationId, t.contactId),
    index("conversations_location_activity_idx").on(t.locationId, t.lastMessageAt, t.id),
  ],
);

/** A Gmail thread (mailbox + threadId) bound to a conversation of one location (R8, R11, R14). */
export const threadBindings = sqliteTable(
  "thread_bindings",
  {
    locationId: text("location_id").notNull(),
    mailboxAddress: text("mailbox_address").notNull(),
    gmailThreadId: text("gmail_thread_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    createdAt: createdAt(),
    /** Set when R14 moves the thread to another location: the binding then takes no new message. */
    endedAt: integer("ended_at"),
    /** The Gmail message whose storing made the binding (null for bindings older than migration 0004). */
    boundByGmailMessageId: text("bound_by_gmail_message_id"),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.mailboxAddress, t.gmailThreadId] }),
    // R28: erasure ends the bindings of the contact's conversation.
    index("thread_bindings_conversation_idx").on(t.locationId, t.conversationId),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    contactId: text("contact_id").notNull(),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    source: text("source", { enum: ["gmail", "crm", "bcc"] }).notNull(),
    provider: text("provider", { enum: ["gmail", "location"] }),
    fromEmail: text("from_email").notNull(),
    fromName: text("from_name"),
    /** JSON arrays of {email, name}. */
    toJson: text("to_json").notNull().default("[]"),
    ccJson: text("cc_json").notNull().default("[]"),
    bccJson: text("bcc_json").notNull().default("[]"),
    subject: text("subject").notNull().default(""),
    /** Bodies small enough for the row; a larger one is NULL here and kept whole in R2 (R31, body-storage.ts). */
    text: text("text"),
    html: text("html"),
    textKey: text("text_key"),
    htmlKey: text("html_key"),
    /** UTF-8 bytes of text and html, wherever kept: pages of messages are cut before they grow too big. */
    bodyBytes: integer("body_bytes").notNull().default(0),
    sentAt: integer("sent_at").notNull(),
    /** RFC 822 Message-ID with its angle brackets. */
    messageIdHeader: text("message_id_header"),
    gmailMailbox: text("gmail_mailbox"),
    gmailMessageId: text("gmail_message_id"),
    gmailThreadId: text("gmail_thread_id"),
    status: text("status", { enum: ["received", "sending", "sent", "failed"] }).notNull(),
    /** R26: Gmail's UNREAD label on this message in its mailbox; false where Gmail was not involved. */
    unread: integer("unread", { mode: "boolean" }).notNull().default(false),
    /** R26: where the message stands in Gmail; meaningful only with gmail_message_id (null in the API otherwise). */
    gmailState: text("gmail_state", { enum: ["present", "trashed", "deleted"] })
      .notNull()
      .default("present"),
    createdAt: createdAt(),
  },
  (t) => [
    index("messages_conversation_idx").on(t.locationId, t.conversationId, t.sentAt, t.id),
    // R15/R22: a Gmail message is stored once per location, however often it is reported.
    uniqueIndex("messages_location_gmail_uq")
      .on(t.locationId, t.gmailMailbox, t.gmailMessageId)
      .where(sql`gmail_message_id IS NOT NULL`),
    // R21: the same RFC 822 message reaching a location by BCC and by Gmail sync is stored once.
    uniqueIndex("messages_location_message_id_uq")
      .on(t.locationId, t.messageIdHeader)
      .where(sql`message_id_header IS NOT NULL`),
    // R28: un-log removes a whole Gmail thread of a location.
    index("messages_location_thread_idx").on(t.locationId, t.gmailMailbox, t.gmailThreadId),
  ],
);

export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    messageId: text("message_id").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    inline: integer("inline", { mode: "boolean" }).notNull().default(false),
    contentId: text("content_id"),
    /** Gmail's MIME part id: attachment ids change between reads, part ids do not. */
    gmailPartId: text("gmail_part_id"),
    /** Where the content is kept when Gmail does not hold it (BCC-logged mail, R19). */
    storageKey: text("storage_key"),
    position: integer("position").notNull().default(0),
  },
  (t) => [index("attachments_message_idx").on(t.locationId, t.messageId, t.position)],
);

/** One send per Idempotency-Key and body for 24 hours (R25). */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    locationId: text("location_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_progress", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
    expiresAt: integer("expires_at").notNull(),
    /** The message and contact the stored answer shows: R28's removals redact the answer by them. */
    messageId: text("message_id"),
    contactId: text("contact_id"),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.key] }),
    index("idempotency_keys_contact_idx").on(t.locationId, t.contactId),
    index("idempotency_keys_message_idx").on(t.locationId, t.messageId),
  ],
);

// ── privacy (R27, R28) ─────────────────────────────────────────────────────────────────────────────────

/** R27: a location's lists, as JSON arrays of normalised entries. */
export const locationPrivacy = sqliteTable("location_privacy", {
  locationId: text("location_id").primaryKey(),
  neverLogJson: text("never_log_json").notNull().default("[]"),
  internalDomainsJson: text("internal_domains_json").notNull().default("[]"),
  skipBulkMail: integer("skip_bulk_mail", { mode: "boolean" }).notNull().default(false),
  updatedAt: integer("updated_at").notNull(),
});

/** R27: a user's own never-log list in one location, applied to the mailboxes that user connected there. */
export const userPrivacy = sqliteTable(
  "user_privacy",
  {
    locationId: text("location_id").notNull(),
    userId: text("user_id").notNull(),
    neverLogJson: text("never_log_json").notNull().default("[]"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.userId] })],
);

/** R28: a Gmail thread un-logged from a location: no later message of it is stored there again. */
export const unloggedThreads = sqliteTable(
  "unlogged_threads",
  {
    locationId: text("location_id").notNull(),
    mailboxAddress: text("mailbox_address").notNull(),
    gmailThreadId: text("gmail_thread_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.mailboxAddress, t.gmailThreadId] })],
);

/** R28: a contact's erasure, carried out in bounded steps; ids and counts only. */
export const erasures = sqliteTable(
  "erasures",
  {
    locationId: text("location_id").notNull(),
    contactId: text("contact_id").notNull(),
    conversationId: text("conversation_id"),
    status: text("status", { enum: ["running", "done"] }).notNull(),
    removedMessages: integer("removed_messages").notNull().default(0),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.contactId] })],
);

/** R28: R2 keys whose rows are gone, recorded in the same batch as the rows' removal, deleted after it. */
export const storageDeletions = sqliteTable(
  "storage_deletions",
  {
    locationId: text("location_id").notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.locationId, t.storageKey] })],
);

// ── events (R29), per location ───────────────────────────────────────────────────────────────────────

/** An endpoint of the CRM subscribed to events. Secrets are sealed like refresh tokens (token-crypto.ts). */
export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    url: text("url").notNull(),
    /** JSON array of event types, or ["*"]. */
    eventsJson: text("events_json").notNull(),
    description: text("description"),
    status: text("status", { enum: ["active"] }).notNull(),
    /** JSON of a SealedToken bound to the webhook id. */
    secretSealed: text("secret_sealed").notNull(),
    /** The secret before the last rotation: deliveries are signed with both until `previousSecretUntil`. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretUntil: integer("previous_secret_until"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhooks_location_idx").on(t.locationId, t.createdAt, t.id)],
);

/**
 * The transactional outbox and the 7-day event log at once: a row is written in the same D1 batch as the
 * change it reports (src/events/outbox.ts). `data_json` holds ids only; bodies are read at delivery.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    locationId: text("location_id").notNull(),
    type: text("type").notNull(),
    dataJson: text("data_json").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("events_location_created_idx").on(t.locationId, t.createdAt, t.id),
    index("events_created_idx").on(t.createdAt),
  ],
);

/**
 * One row per (event, endpoint subscribed at the event's moment), written in the event's own batch.
 * `enqueued_at` null: committed but not yet handed to the queue (the relay does it, the cron sweep catches up).
 */
export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    locationId: text("location_id").notNull(),
    eventId: text("event_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastAttemptAt: integer("last_attempt_at"),
    nextAttemptAt: integer("next_attempt_at"),
    enqueuedAt: integer("enqueued_at"),
    eventCreatedAt: integer("event_created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.eventId, t.webhookId] }),
    index("event_deliveries_webhook_idx").on(t.locationId, t.webhookId, t.eventCreatedAt, t.eventId),
    index("event_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("event_deliveries_created_idx").on(t.eventCreatedAt),
  ],
);

/**
 * R30: what the sync decided for each Gmail message it looked at, per location of the mailbox: `stored`
 * (messageId: the CRM row), `skipped` (reason: API.md's list; messageId: the earlier copy for
 * already_stored), `parked` (R24). Pending messages live in the mailbox's DO queue, not here. `healed`:
 * stored by a reconciliation. WITHOUT ROWID in the migration (drizzle cannot say it).
 */
export const syncDecisions = sqliteTable(
  "sync_decisions",
  {
    locationId: text("location_id").notNull(),
    mailboxAddress: text("mailbox_address").notNull(),
    gmailMessageId: text("gmail_message_id").notNull(),
    decision: text("decision", { enum: ["stored", "skipped", "parked"] }).notNull(),
    reason: text("reason"),
    rule: text("rule"),
    messageId: text("message_id"),
    decidedAt: integer("decided_at").notNull(),
    healed: integer("healed", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.locationId, t.mailboxAddress, t.gmailMessageId] }),
    index("sync_decisions_report_idx").on(t.locationId, t.mailboxAddress, t.decidedAt, t.decision, t.reason, t.healed),
    index("sync_decisions_purge_idx").on(t.locationId, t.decidedAt),
  ],
);
