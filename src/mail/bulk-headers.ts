/**
 * R27: does a message carry the headers of bulk mail? `List-Unsubscribe` or `List-Id` present (any value),
 * `Precedence: bulk|list|junk`, or an `Auto-Submitted` other than `no` (RFC 3834: auto-replies,
 * auto-generated mail). Names compare without regard to case; values trimmed and lower-cased. Pure, linear.
 */
export function isBulkMail(headers: readonly { name?: string | null; value?: string | null }[]): boolean {
  for (const header of headers) {
    const name = (header.name ?? "").trim().toLowerCase();
    const value = (header.value ?? "").trim().toLowerCase();
    if (name === "list-unsubscribe" || name === "list-id") return true;
    if (name === "precedence" && BULK_PRECEDENCE.has(value)) return true;
    // RFC 3834 values may carry parameters ("auto-replied; x=y"); only the keyword counts.
    if (name === "auto-submitted" && (value.split(";")[0] ?? "").trim() !== "no" && value !== "") return true;
  }
  return false;
}

const BULK_PRECEDENCE = new Set(["bulk", "list", "junk"]);
