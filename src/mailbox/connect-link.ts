import type { Config } from "../config";
import { tokenKeys } from "./grant-store";
import { connectStartUrl } from "../google/authorization-url";
import { issueState } from "../google/oauth-state";
import { newCodeVerifier } from "../google/pkce";

/**
 * A new connect (R1) for (location, user): a fresh PKCE verifier sealed in a fresh state, answered as the
 * service's start URL (R32). Used by the API's `…/mailbox/connect` and by the hosted settings page.
 */
export async function issueConnectLink(
  config: Config,
  input: { locationId: string; userId: string; returnTo: string | null },
  now: number,
): Promise<string> {
  const { token } = await issueState(tokenKeys(config), { ...input, codeVerifier: newCodeVerifier() }, now);
  return connectStartUrl(config, token);
}
