import { z } from "@hono/zod-openapi";
import { MAX_PRIVACY_ENTRIES, normalizeInternalDomain, normalizeNeverLogEntry } from "../../privacy/entries";
import { ServiceId } from "./common";
import { LocationIdParam, MemberParams } from "./provisioning";

/** A list of entries, each normalised (trimmed, lower-cased) or refused, duplicates dropped; ≤ 1,000. */
function entryList(normalize: (raw: string) => string | null, what: string, example: string[]) {
  return z
    .array(z.string().max(256))
    .max(MAX_PRIVACY_ENTRIES, `at most ${MAX_PRIVACY_ENTRIES} entries`)
    .transform((raw, ctx) => {
      const out = new Set<string>();
      raw.forEach((entry, i) => {
        const normalized = normalize(entry);
        if (normalized === null) ctx.addIssue({ code: "custom", path: [i], message: `must be ${what}` });
        else out.add(normalized);
      });
      return [...out];
    })
    .openapi({ type: "array", items: { type: "string" }, maxItems: MAX_PRIVACY_ENTRIES, example });
}

const NeverLogEntries = entryList(normalizeNeverLogEntry, "an email address or @domain", ["@acme.com", "x@y.com"]);
const InternalDomains = entryList(normalizeInternalDomain, "a bare domain name (acme.com)", ["acme.com"]);

export const LocationPrivacy = z
  .object({ neverLog: z.array(z.string()), internalDomains: z.array(z.string()), skipBulkMail: z.boolean() })
  .openapi("LocationPrivacy");

/** Fields left out keep their value: a PUT that names one setting never wipes a list by accident. */
export const PutLocationPrivacyBody = z
  .strictObject({
    neverLog: NeverLogEntries.optional(),
    internalDomains: InternalDomains.optional(),
    skipBulkMail: z.boolean().optional(),
  })
  .openapi("PutLocationPrivacyBody");

export const UserPrivacy = z.object({ neverLog: z.array(z.string()) }).openapi("UserPrivacy");

/** Like the location's: a field left out keeps its value. */
export const PutUserPrivacyBody = z
  .strictObject({ neverLog: NeverLogEntries.optional() })
  .openapi("PutUserPrivacyBody");

export const UserPrivacyParams = MemberParams;

export const PurgeBody = z
  .strictObject({
    entries: NeverLogEntries.refine((entries) => entries.length > 0, "name at least one entry"),
    dryRun: z.boolean().default(true),
  })
  .openapi("PurgeBody");

export const PurgeAnswer = z
  .object({
    matched: z.number().int().openapi({ description: "messages of conversations whose contact matches an entry" }),
    removed: z.number().int().openapi({ description: "0 on a dry run" }),
    remaining: z.number().int().openapi({ description: "still matched after this request: repeat it until 0" }),
  })
  .openapi("PurgeAnswer");

export const UnlogParams = LocationIdParam.extend({
  messageId: ServiceId.openapi({ param: { name: "messageId", in: "path" } }),
});

export const UnlogBody = z.strictObject({}).openapi("UnlogBody");

export const ErasureParams = LocationIdParam.extend({
  contactId: ServiceId.openapi({ param: { name: "contactId", in: "path" } }),
});

export const Erasure = z
  .object({
    contactId: z.string(),
    status: z.enum(["running", "done"]),
    removedMessages: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("Erasure");
