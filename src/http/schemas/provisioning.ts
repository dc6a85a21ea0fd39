import { z } from "@hono/zod-openapi";
import { CrmId, EmailInput, NameInput, Timestamp } from "./common";

export const LocationIdParam = z.object({ locationId: CrmId.openapi({ param: { name: "locationId", in: "path" } }) });
export const UserIdParam = z.object({ userId: CrmId.openapi({ param: { name: "userId", in: "path" } }) });
export const MemberParams = LocationIdParam.extend(UserIdParam.shape);

export const PutLocationBody = z.object({ name: z.string().trim().min(1).max(256) }).openapi("PutLocationBody");
export const PutUserBody = z.object({ email: EmailInput, name: NameInput.optional() }).openapi("PutUserBody");
/** The body is `{}`; nothing is read from it, but anything else than an object is refused. */
export const PutMemberBody = z.object({}).openapi("PutMemberBody");

export const Location = z
  .object({ id: z.string(), name: z.string(), bccAddress: z.string(), createdAt: Timestamp })
  .openapi("Location");
export const User = z
  .object({ id: z.string(), email: z.string(), name: z.string().nullable(), createdAt: Timestamp })
  .openapi("User");
export const Member = z.object({ locationId: z.string(), userId: z.string() }).openapi("Member");
