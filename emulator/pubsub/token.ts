import type { KeyRing } from "../oauth/keys";
import { GOOGLE_ISSUER } from "../oauth/id-token";
import type { PushSubscription } from "../options";

/** A stable numeric id for the push service account, as Google puts in `sub` and `azp`. */
function serviceAccountId(email: string): string {
  let hash = 0n;
  for (const ch of email) hash = (hash * 131n + BigInt(ch.charCodeAt(0))) % 10n ** 21n;
  return (10n ** 20n + hash).toString().slice(0, 21);
}

/** The OIDC token Pub/Sub puts in `Authorization: Bearer` of a push: Google-signed, an hour long. */
export function signPushToken(keys: KeyRing, subscription: PushSubscription, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const id = serviceAccountId(subscription.serviceAccountEmail);
  return keys.sign({
    aud: subscription.audience,
    azp: id,
    email: subscription.serviceAccountEmail,
    email_verified: true,
    exp: iat + 3600,
    iat,
    iss: GOOGLE_ISSUER,
    sub: id,
  });
}
