/*
 * Google's batch format (https://developers.google.com/gmail/api/guides/batch): one POST of
 * multipart/mixed whose parts are application/http requests; the answer is multipart/mixed of
 * application/http responses matched by Content-ID. Each inner call still costs its own quota units,
 * but the whole batch is one HTTP request (one subrequest of the Worker).
 */

export interface BatchRequestItem {
  /** Echoed back as `response-<id>` in the answer's Content-ID. */
  id: string;
  method: "GET" | "POST" | "DELETE";
  /** Path and query under the API root, e.g. `/gmail/v1/users/me/messages/abc?format=full`. */
  path: string;
}

export interface BatchResponseItem {
  id: string;
  status: number;
  headers: Headers;
  body: string;
}

/** Builds a batch body; the outer request carries the Authorization header for every part. */
export function buildBatchBody(items: readonly BatchRequestItem[], boundary: string): string {
  const parts = items.map(
    (item) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${item.id}>\r\n\r\n` +
      `${item.method} ${item.path}\r\n\r\n`,
  );
  return `${parts.join("")}--${boundary}--\r\n`;
}

/** The boundary of a multipart Content-Type header, or null. */
export function boundaryOf(contentType: string | null): string | null {
  if (contentType === null || !/^\s*multipart\//i.test(contentType)) return null;
  const match = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

/**
 * Parses a batch answer into its items. Parts that are unreadable are left out: the caller treats an
 * item missing from the answer as failed for this round and asks again later.
 */
export function parseBatchResponse(contentType: string | null, body: string): BatchResponseItem[] {
  const boundary = boundaryOf(contentType);
  if (boundary === null) return [];
  const items: BatchResponseItem[] = [];
  for (const rawPart of body.split(`--${boundary}`).slice(1)) {
    if (rawPart.startsWith("--")) break;
    const item = parsePart(rawPart);
    if (item !== null) items.push(item);
  }
  return items;
}

function parsePart(rawPart: string): BatchResponseItem | null {
  const part = rawPart.replace(/^\r?\n/, "");
  const [outerHead, inner] = splitHead(part);
  if (inner === null) return null;
  const contentId = /^content-id:\s*<?([^>\r\n]*)>?\s*$/im.exec(outerHead)?.[1]?.trim() ?? "";
  const [innerHead, innerBody] = splitHead(inner);
  const lines = innerHead.split(/\r?\n/);
  const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(lines[0] ?? "")?.[1] ?? NaN);
  if (!Number.isInteger(status)) return null;
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { id: contentId.replace(/^response-/, ""), status, headers, body: (innerBody ?? "").replace(/\r?\n$/, "") };
}

/** Splits at the first blank line: [head, rest] (rest null when there is no blank line). */
function splitHead(text: string): [string, string | null] {
  const match = /\r?\n\r?\n/.exec(text);
  if (match === null) return [text, null];
  return [text.slice(0, match.index), text.slice(match.index + match[0].length)];
}
