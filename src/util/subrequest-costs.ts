/*
 * What each call costs of one Worker invocation's subrequests (1,000 on the paid plan). Every Gmail fetch, every
 * D1 round trip and every Queues send counts one. The sync run checks its steps against SUBREQUESTS_PER_RUN
 * (sync/plan.ts, mailbox/sync-run.ts) with these, and the cron counts its fan-out (cron/fan-out.ts).
 * The figures hold while a chunk's ids fit one statement, and a chunk is at most 50 messages (db/chunked.ts puts
 * 90 ids in a statement). Calls that depend on the data are not counted: R2 writes of large bodies, and the
 * relay's queue sends to subscribed endpoints. The sync run leaves half the limit for them.
 */

/** One Gmail HTTP request, whatever it carries: a batch of up to 50 messages.get is one request. */
export const GMAIL_REQUEST = 1;
/** One D1 round trip: a query, or a batch of statements committed together. */
export const D1_ROUND_TRIP = 1;
/** One Queues send or sendBatch (at most 100 messages). */
export const QUEUE_SEND = 1;

/** Finding a location's database (db/database.ts locationDb): one read of the directory. */
const LOCATION_LOOKUP = D1_ROUND_TRIP;
/** events/relay.ts: reading which deliveries of the new events are still to hand to the queue. */
const EVENT_RELAY_READ = D1_ROUND_TRIP;

/**
 * Routing a chunk in one location (mailbox/load-routing.ts): the lookup, then three reads for the location's
 * users (members, their CRM emails, the mailboxes they hold). Then one read each for the contacts, the threads'
 * bindings, the privacy settings, the owner's never-log list and the un-logged threads.
 */
export const ROUTING_READS_PER_LOCATION = LOCATION_LOOKUP + 3 * D1_ROUND_TRIP + 5 * D1_ROUND_TRIP;

/** A chunk's rows in one location: the lookup, one batch (rows, decisions, events), the relay's read. */
export const STORE_PER_LOCATION = LOCATION_LOOKUP + D1_ROUND_TRIP + EVENT_RELAY_READ;
/** One message stored alone after its location's batch failed (to find the one D1 refuses). */
export const STORE_RETRY_PER_MESSAGE = D1_ROUND_TRIP + EVENT_RELAY_READ;
/** Parked messages recorded in one location (events/mailbox-problems.ts): the lookup, one batch, the relay. */
export const PARKED_RECORD_PER_LOCATION = LOCATION_LOOKUP + D1_ROUND_TRIP + EVENT_RELAY_READ;

/** R26 state changes in one location (mailbox/state-apply.ts), before the reads of the stored copies. */
export const STATE_APPLY_LOOKUP = LOCATION_LOOKUP;
/** R26: the write of the copies that changed, with their message.updated events, and the relay's read. */
export const STATE_APPLY_WRITE = D1_ROUND_TRIP + EVENT_RELAY_READ;

/**
 * A history step: one page of history. When history is gone (404), it also reads the profile for the
 * catch-up's cursor. The gap's reads of stored ids, two per location, happen once per gap and are not counted.
 */
export const READ_HISTORY_STEP = 2 * GMAIL_REQUEST;
