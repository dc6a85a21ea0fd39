import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/**
 * One per connected Google account, named from the normalised address. It serializes everything that
 * touches the mailbox: the grant and access token, the history cursor and sync, the send quota.
 */
export class Mailbox extends DurableObject<Env> {}
