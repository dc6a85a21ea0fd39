/**
 * The Gmail methods the emulator serves, with the paths, parameters, scopes and upload limits of Google's
 * discovery document (test/emulator/discovery.test.ts holds them to it) and the quota units of Gmail's
 * usage-limits page.
 */

export interface ParamSpec {
  location: "path" | "query";
  type: "string" | "integer" | "boolean";
  format?: "uint32" | "uint64";
  repeated?: boolean;
  required?: boolean;
  enum?: readonly string[];
  default?: string;
  /** Stated in the discovery description ("The maximum allowed value for this field is 500"). */
  maximum?: number;
}

export interface MethodSpec {
  id: string;
  httpMethod: "GET" | "POST" | "DELETE";
  path: string;
  parameters: Record<string, ParamSpec>;
  scopes: readonly string[];
  /** Gmail quota units per call. */
  cost: number;
  upload?: { path: string; maxSize: number; accept: readonly string[] };
}

const MAIL = "https://mail.google.com/";
const G = "https://www.googleapis.com/auth/gmail.";
const userId: ParamSpec = { location: "path", type: "string", required: true, default: "me" };
const maxResults: ParamSpec = { location: "query", type: "integer", format: "uint32", default: "100", maximum: 500 };
const READ = [MAIL, `${G}metadata`, `${G}modify`, `${G}readonly`] as const;
const MODIFY = [MAIL, `${G}modify`] as const;
const messageId: ParamSpec = { location: "path", type: "string", required: true };
const MESSAGE_READ = [
  MAIL,
  `${G}addons.current.message.action`,
  `${G}addons.current.message.metadata`,
  `${G}addons.current.message.readonly`,
  `${G}metadata`,
  `${G}modify`,
  `${G}readonly`,
] as const;

export const METHODS = {
  "users.getProfile": {
    id: "gmail.users.getProfile",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/profile",
    parameters: { userId },
    scopes: [MAIL, `${G}compose`, `${G}metadata`, `${G}modify`, `${G}readonly`],
    cost: 1,
  },
  "users.watch": {
    id: "gmail.users.watch",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/watch",
    parameters: { userId },
    scopes: READ,
    cost: 100,
  },
  "users.stop": {
    id: "gmail.users.stop",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/stop",
    parameters: { userId },
    scopes: READ,
    cost: 50,
  },
  "users.labels.list": {
    id: "gmail.users.labels.list",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/labels",
    parameters: { userId },
    scopes: [MAIL, `${G}labels`, `${G}metadata`, `${G}modify`, `${G}readonly`],
    cost: 1,
  },
  "users.history.list": {
    id: "gmail.users.history.list",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/history",
    parameters: {
      userId,
      startHistoryId: { location: "query", type: "string", format: "uint64" },
      historyTypes: {
        location: "query",
        type: "string",
        repeated: true,
        enum: ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"],
      },
      labelId: { location: "query", type: "string" },
      maxResults,
      pageToken: { location: "query", type: "string" },
    },
    scopes: READ,
    cost: 2,
  },
  "users.messages.list": {
    id: "gmail.users.messages.list",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/messages",
    parameters: {
      userId,
      includeSpamTrash: { location: "query", type: "boolean", default: "false" },
      labelIds: { location: "query", type: "string", repeated: true },
      maxResults,
      pageToken: { location: "query", type: "string" },
      q: { location: "query", type: "string" },
    },
    scopes: READ,
    cost: 5,
  },
  "users.messages.get": {
    id: "gmail.users.messages.get",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/messages/{id}",
    parameters: {
      userId,
      id: { location: "path", type: "string", required: true },
      format: { location: "query", type: "string", enum: ["minimal", "full", "raw", "metadata"], default: "full" },
      metadataHeaders: { location: "query", type: "string", repeated: true },
    },
    scopes: MESSAGE_READ,
    cost: 5,
  },
  "users.messages.attachments.get": {
    id: "gmail.users.messages.attachments.get",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/messages/{messageId}/attachments/{id}",
    parameters: {
      userId,
      messageId: { location: "path", type: "string", required: true },
      id: { location: "path", type: "string", required: true },
    },
    scopes: [
      MAIL,
      `${G}addons.current.message.action`,
      `${G}addons.current.message.readonly`,
      `${G}modify`,
      `${G}readonly`,
    ],
    cost: 5,
  },
  "users.threads.get": {
    id: "gmail.users.threads.get",
    httpMethod: "GET",
    path: "gmail/v1/users/{userId}/threads/{id}",
    parameters: {
      userId,
      id: { location: "path", type: "string", required: true },
      format: { location: "query", type: "string", enum: ["full", "metadata", "minimal"], default: "full" },
      metadataHeaders: { location: "query", type: "string", repeated: true },
    },
    scopes: MESSAGE_READ,
    cost: 10,
  },
  "users.messages.send": {
    id: "gmail.users.messages.send",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/messages/send",
    parameters: { userId },
    scopes: [MAIL, `${G}addons.current.action.compose`, `${G}compose`, `${G}modify`, `${G}send`],
    cost: 100,
    upload: { path: "/upload/gmail/v1/users/{userId}/messages/send", maxSize: 36_700_160, accept: ["message/*"] },
  },
  "users.messages.modify": {
    id: "gmail.users.messages.modify",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/messages/{id}/modify",
    parameters: { userId, id: messageId },
    scopes: MODIFY,
    cost: 5,
  },
  "users.messages.batchModify": {
    id: "gmail.users.messages.batchModify",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/messages/batchModify",
    parameters: { userId },
    scopes: MODIFY,
    cost: 50,
  },
  "users.messages.trash": {
    id: "gmail.users.messages.trash",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/messages/{id}/trash",
    parameters: { userId, id: messageId },
    scopes: MODIFY,
    cost: 5,
  },
  "users.messages.untrash": {
    id: "gmail.users.messages.untrash",
    httpMethod: "POST",
    path: "gmail/v1/users/{userId}/messages/{id}/untrash",
    parameters: { userId, id: messageId },
    scopes: MODIFY,
    cost: 5,
  },
  "users.messages.delete": {
    id: "gmail.users.messages.delete",
    httpMethod: "DELETE",
    path: "gmail/v1/users/{userId}/messages/{id}",
    parameters: { userId, id: messageId },
    scopes: [MAIL],
    cost: 10,
  },
} as const satisfies Record<string, MethodSpec>;

export type MethodName = keyof typeof METHODS;

/** Query parameters every Google API method accepts (the discovery document's top-level `parameters`). */
export const GLOBAL_PARAMETERS = [
  "$.xgafv",
  "access_token",
  "alt",
  "callback",
  "fields",
  "key",
  "oauth_token",
  "prettyPrint",
  "quotaUser",
  "uploadType",
  "upload_protocol",
] as const;

/** The batch endpoint's path, from the discovery document's `batchPath`; Gmail's batch guide uses the second. */
export const BATCH_PATH = "batch";
export const GMAIL_BATCH_PATH = "batch/gmail/v1";
export const MAX_BATCH_CALLS = 100;
