import { sha256Hex } from "../util/sha256";

/**
 * Our own RFC 822 Message-ID for a send, `<crm.…@domain of the From address>`. With an Idempotency-Key it
 * is derived from (location, key, the key's claim time, the body), so a retry of the same request rebuilds the very
 * same id and R25 can look for it in Sent; without one it is random (a retry is then a new send, docs/api.md).
 */
export async function messageIdForSend(input: {
  fromAddress: string;
  locationId: string;
  claim: { key: string; createdAt: number; requestHash: string } | null;
}): Promise<string> {
  const domain = input.fromAddress.slice(input.fromAddress.lastIndexOf("@") + 1);
  const unique =
    input.claim === null
      ? crypto.randomUUID().replaceAll("-", "")
      : (
          await sha256Hex(
            `${input.locationId}\n${input.claim.key}\n${input.claim.createdAt}\n${input.claim.requestHash}`,
          )
        ).slice(0, 32);
  return `<crm.${unique}@${domain}>`;
}
