import { toBase64Url, utf8 } from "../util/base64";

/** Page tokens are opaque to clients; inside they carry the position and what the listing was for. */
export function encodePageToken(position: number, scope: string): string {
  return toBase64Url(utf8.encode(`${position}|${scope}`));
}

export function decodePageToken(token: string, scope: string): number | null {
  try {
    const decoded = atob(token.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (token.length % 4)) % 4));
    const [position, tokenScope] = decoded.split("|");
    if (tokenScope !== scope || !/^\d+$/.test(position ?? "")) return null;
    return Number(position);
  } catch {
    return null;
  }
}
