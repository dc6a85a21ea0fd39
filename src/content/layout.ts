/*
 * Where a location's message content lives in R2 (the ATTACHMENTS bucket, R31). One layout for everything
 * we keep outside D1, so that erasing a location's contact (R28) finds every object of theirs with one
 * prefix listing, and dropping a location with another:
 *
 *   loc/{locationId}/                                             everything of one location
 *   loc/{locationId}/contact/{contactId}/                         everything of one contact (R28 erasure)
 *   loc/{locationId}/contact/{contactId}/msg/{messageId}/text     text body too large for the row
 *   loc/{locationId}/contact/{contactId}/msg/{messageId}/html     html body too large for the row
 *   loc/{locationId}/contact/{contactId}/msg/{messageId}/att/{n}  content of attachment n (BCC mail, R18 sends)
 *
 * {contactId} is the contact of the message row (messages.contact_id), {messageId} the row's own id. The
 * row keeps the full key (messages.text_key / html_key, attachments.storage_key): readers never rebuild one.
 * Ids are ours or the CRM's (`A–Z a–z 0–9 _ -`), so they are safe in a key as they are.
 */

export function locationPrefix(locationId: string): string {
  return `loc/${locationId}/`;
}

/** Every object of one contact of one location (R28). */
export function contactPrefix(locationId: string, contactId: string): string {
  return `${locationPrefix(locationId)}contact/${contactId}/`;
}

export function messagePrefix(locationId: string, contactId: string, messageId: string): string {
  return `${contactPrefix(locationId, contactId)}msg/${messageId}/`;
}

export function bodyKey(prefix: string, part: "text" | "html"): string {
  return `${prefix}${part}`;
}

export function attachmentKey(prefix: string, position: number): string {
  return `${prefix}att/${position}`;
}
