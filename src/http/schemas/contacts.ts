import { z } from "@hono/zod-openapi";
import { CrmId, EmailInput, NameInput, PageQuery, ServiceId, Timestamp } from "./common";
import { LocationIdParam } from "./provisioning";

export const ContactParams = LocationIdParam.extend({
  contactId: ServiceId.openapi({ param: { name: "contactId", in: "path" } }),
});

export const CreateContactBody = z
  .object({ email: EmailInput, name: NameInput.optional(), assignedUserId: CrmId.nullable().optional() })
  .openapi("CreateContactBody");

export const PatchContactBody = z
  .object({ email: EmailInput.optional(), name: NameInput.optional(), assignedUserId: CrmId.nullable().optional() })
  .openapi("PatchContactBody");

export const ListContactsQuery = PageQuery.extend({
  email: EmailInput.optional(),
});

export const Contact = z
  .object({
    id: z.string(),
    locationId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    assignedUserId: z.string().nullable(),
    createdAt: Timestamp,
  })
  .openapi("Contact");
