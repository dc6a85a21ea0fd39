import type { MimeNode } from "../mime/parse";

/** A Gmail system label the emulator knows. User labels are out of scope. */
export const SYSTEM_LABELS = [
  "INBOX",
  "SENT",
  "SPAM",
  "TRASH",
  "DRAFT",
  "UNREAD",
  "STARRED",
  "IMPORTANT",
  "CHAT",
  "CATEGORY_PERSONAL",
  "CATEGORY_SOCIAL",
  "CATEGORY_PROMOTIONS",
  "CATEGORY_UPDATES",
  "CATEGORY_FORUMS",
] as const;

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Uint8Array;
  mime: MimeNode;
  internalDate: number;
  historyId: number;
  /** The RFC 822 Message-ID with angle brackets, or null when the message has none. */
  messageIdHeader: string | null;
  subject: string;
  /** Set while in Trash when trashing took the message out of the Inbox: restoring puts it back there. */
  inboxBeforeTrash?: boolean;
}

export type HistoryType = "messageAdded" | "messageDeleted" | "labelAdded" | "labelRemoved";

/** One change, as history.list reports it. Labels are the message's labels right after the change. */
export interface HistoryRecord {
  id: number;
  at: number;
  type: HistoryType;
  messageId: string;
  threadId: string;
  labelIds: string[];
  /** The labels a labelAdded / labelRemoved record names. */
  changedLabelIds: string[];
}

export interface Mailbox {
  historyId: number;
  records: HistoryRecord[];
  /** History ids below this are gone (404), whatever their age: the control API raises it. */
  floor: number;
  messages: Map<string, StoredMessage>;
  threads: Map<string, string[]>;
  /**
   * Messages whose changes history.list silently leaves out (control API), as real Gmail sometimes does:
   * they exist, messages.list and messages.get find them, pushes still fire; history never names them.
   */
  hiddenFromHistory: Set<string>;
}

export interface Watch {
  topicName: string;
  labelIds: string[];
  behavior: "include" | "exclude";
  expiration: number;
  clientId: string;
}

/** `reason: "domainPolicy"` turns a 403 into the Workspace admin's "Gmail apps disabled" answer instead of a quota one. */
export type FaultKind = { status: 500 | 503 | 429 | 403 | 401; reason?: "domainPolicy" } | { hangMs: number };

export interface Fault {
  /**
   * Discovery method id without the `gmail.` prefix, e.g. `users.messages.get`, or `*` for any; `oauth.token`
   * for the token endpoint's refresh grants of this account.
   */
  method: string;
  remaining: number;
  kind: FaultKind;
}

export interface Counters {
  requests: Record<string, number>;
  units: Record<string, number>;
  totalRequests: number;
  totalUnits: number;
  rateLimited: number;
}

export interface Account {
  email: string;
  sub: string;
  name: string;
  clockOffsetMs: number;
  passwordGeneration: number;
  mailbox: Mailbox;
  watch: Watch | null;
  /** Quota units spent, as [time, units] pairs inside the last minute. */
  quotaSpent: Array<[number, number]>;
  quotaPerMinute: number | null;
  /** Seconds of the per-second rate this mailbox may spend at once (null: the emulator's option). */
  quotaBurstSeconds: number | null;
  dailySendLimit: number;
  sendTimes: number[];
  counters: Counters;
  faults: Fault[];
  loseNextSendAnswer: { mode: "error" } | { mode: "hang"; hangMs: number } | null;
  lastPushAt: number | null;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** A user's standing consent to one client. Revoking deletes it; a password change only kills its refresh tokens. */
export interface Grant {
  id: string;
  email: string;
  clientId: string;
  scopes: string[];
  refreshTokens: Set<string>;
  /** The account's password generation when the refresh tokens were issued. */
  passwordGeneration: number;
}

export interface AuthorizationCode {
  code: string;
  email: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: "S256" | "plain";
  nonce: string | null;
  issueRefreshToken: boolean;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  email: string;
  clientId: string;
  grantId: string;
  scopes: string[];
  expiresAt: number;
}
