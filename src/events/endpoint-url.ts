import { err, ok, type Result } from "../util/result";

/**
 * R29: where the service may POST events. The CRM chooses the URL, so it must not turn the service into a
 * way into private networks: https only (plain http only for origins WEBHOOK_ALLOWED_HTTP_ORIGINS lists,
 * for local development), no credentials in the URL, no IP literal of a private, loopback, link-local or
 * otherwise non-public range, no `localhost`. The check runs on the URL as WHATWG parses it, so that
 * `http://0x7f.1/` is seen as 127.0.0.1. Pure.
 */
export type UrlCheck = Result<{ url: string }, string>;

const MAX_URL_LENGTH = 2048;

export function checkEndpointUrl(raw: string, allowedHttpOrigins: readonly string[]): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) return refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  if (!URL.canParse(raw)) return refuse("must be an absolute URL");
  const url = new URL(raw);
  if (url.username !== "" || url.password !== "") return refuse("must not carry credentials");
  if (url.hash !== "") return refuse("must not have a fragment");
  if (allowedHttpOrigins.includes(url.origin)) return ok({ url: url.href });
  if (url.protocol !== "https:") return refuse("must use https (plain http only for WEBHOOK_ALLOWED_HTTP_ORIGINS)");
  const host = url.hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return refuse("must not point at localhost");
  if (isNonPublicIpv4(host) || isNonPublicIpv6(host)) {
    return refuse("must not be a private, loopback, link-local or reserved IP address");
  }
  return ok({ url: url.href });
}

function refuse(reason: string): UrlCheck {
  return err(reason);
}

/** [first, second-octet range] pairs of IPv4 blocks that are not the public internet. */
const IPV4_BLOCKS: readonly (readonly [number, number, number])[] = [
  [0, 0, 255], // "this network"
  [10, 0, 255], // private
  [100, 64, 127], // shared address space (carrier NAT)
  [127, 0, 255], // loopback
  [169, 254, 254], // link-local (cloud metadata lives here)
  [172, 16, 31], // private
  [192, 168, 168], // private
  [198, 18, 19], // benchmarking
];

function isNonPublicIpv4(host: string): boolean {
  const octets = ipv4Octets(host);
  if (!octets) return false;
  const [a, b] = octets as [number, number, number, number];
  if (a >= 224) return true; // multicast and reserved
  if (a === 192 && b === 0 && octets[2] === 0) return true; // IETF protocol assignments
  return IPV4_BLOCKS.some(([first, low, high]) => a === first && b >= low && b <= high);
}

function ipv4Octets(host: string): number[] | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

function isNonPublicIpv6(host: string): boolean {
  if (!host.startsWith("[") || !host.endsWith("]")) return false;
  const address = host.slice(1, -1);
  if (address === "::" || address === "::1") return true;
  // IPv4-mapped or -translated forms reach the IPv4 address: judge that one (the URL parser writes hex).
  const mapped = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const high = Number.parseInt(mapped[1] as string, 16);
    const low = Number.parseInt(mapped[2] as string, 16);
    return isNonPublicIpv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  const first = Number.parseInt(address.split(":")[0] || "0", 16);
  if ((first & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((first & 0xff00) === 0xff00) return true; // multicast
  if (address.startsWith("64:ff9b:")) return true; // NAT64 reaches IPv4 behind it
  return first === 0; // ::/8 and other compatibility forms
}
