import { z } from "zod";

/** Control-API inputs. Loose where a test benefits (addresses as strings or objects), strict on the rest. */

export const AddressInput = z.union([
  z.string().min(3),
  z.object({ email: z.string().min(3), name: z.string().optional() }),
]);
export type AddressInput = z.infer<typeof AddressInput>;

const AddressList = z.union([AddressInput, z.array(AddressInput)]);

export const AttachmentInput = z.object({
  filename: z.string().min(1),
  contentType: z.string().default("application/octet-stream"),
  contentBase64: z.string(),
  inline: z.boolean().optional(),
  contentId: z.string().optional(),
});

const Labels = z.array(z.string().min(1)).optional();
/** Delivery knobs: Gmail's receive time (as messages.import's internalDateSource does) and history hiding. */
const DeliveryOptions = {
  internalDate: z.iso.datetime().optional(),
  hideFromHistory: z.boolean().optional(),
};

export const ComposedMail = z.object({
  from: AddressInput,
  to: AddressList.default([]),
  cc: AddressList.optional(),
  bcc: AddressList.optional(),
  replyTo: AddressList.optional(),
  subject: z.string().default(""),
  text: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(AttachmentInput).optional(),
  messageId: z.string().optional(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  date: z.iso.datetime().optional(),
  labelIds: Labels,
  ...DeliveryOptions,
});

export const RawMail = z.object({ raw: z.string().min(1), labelIds: Labels, ...DeliveryOptions });
export const RawBase64Mail = z.object({ rawBase64: z.string().min(1), labelIds: Labels, ...DeliveryOptions });
export const DeliverInput = z.union([RawMail, RawBase64Mail, ComposedMail]);

/** A send from Gmail's own web interface: From is the owner; `replyToMessageId` threads it as Gmail's UI does. */
export const OwnerSendInput = z.union([
  z.object({ raw: z.string().min(1), threadId: z.string().optional() }),
  ComposedMail.omit({ from: true, labelIds: true }).extend({ replyToMessageId: z.string().optional() }),
]);

export const CreateAccountInput = z.object({ email: z.string().min(3), name: z.string().optional() });

export const FaultInput = z.object({
  method: z.string().min(1),
  count: z.number().int().positive().default(1),
  status: z.union([z.literal(500), z.literal(503), z.literal(429), z.literal(403), z.literal(401)]).optional(),
  reason: z.literal("domainPolicy").optional(),
  hangMs: z.number().int().positive().max(600_000).optional(),
});

export const LoseAnswerInput = z.object({
  mode: z.enum(["error", "hang"]).default("error"),
  hangMs: z.number().int().positive().max(600_000).default(30_000),
});
export const HideInput = z.object({ messageIds: z.array(z.string().min(1)).min(1) });
export const FloorInput = z.object({ historyId: z.union([z.string(), z.number()]).optional() });
export const ClockInput = z.object({ advanceMs: z.number().int().nonnegative() });
export const QuotaInput = z.object({
  perMinute: z.number().int().positive().nullable().optional(),
  burstSeconds: z.number().positive().nullable().optional(),
  dailySendLimit: z.number().int().nonnegative().optional(),
});
export const LabelsInput = z.object({ add: z.array(z.string()).default([]), remove: z.array(z.string()).default([]) });
export const RevokeInput = z.object({ clientId: z.string().optional() });

export const ConsentInput = z.object({
  authorizationUrl: z.string().url(),
  account: z.string().min(3),
  decision: z.enum(["allow", "deny"]).default("allow"),
  grantScopes: z.array(z.string()).optional(),
});

export const ClientInput = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUris: z.array(z.string().url()).min(1),
});

export const SubscriptionInput = z.object({
  name: z.string().regex(/^projects\/[^/]+\/subscriptions\/[^/]+$/),
  topic: z.string().regex(/^projects\/[^/]+\/topics\/[^/]+$/),
  endpoint: z.string().url(),
  audience: z.string().min(1),
  serviceAccountEmail: z.string().min(3),
});

export const PullInput = z.object({
  account: z.string().optional(),
  max: z.number().int().positive().max(1000).optional(),
});
export const AckInput = z.object({ deliveryId: z.string().min(1), status: z.number().int().min(0).max(599) });
export const PushFaultInput = z.object({
  account: z.string().min(3),
  drop: z.number().int().nonnegative().optional(),
  duplicate: z.number().int().nonnegative().optional(),
  delay: z.object({ count: z.number().int().positive(), ms: z.number().int().positive() }).optional(),
  reorder: z.number().int().min(2).optional(),
});
