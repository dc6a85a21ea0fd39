/** Service-chosen ids: a short type prefix for readability in logs, then 128 random bits. */
export function newId(prefix: "ct" | "cv" | "msg" | "att" | "evt" | "wh"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}
