import { binaryToBytes, bytesToBinary } from "../util/base64";
import { parseHeaderBlock, type RawHeader } from "./headers";

/** Splits raw RFC 822 into its top-level headers and the rest, so Gmail-side rewrites keep the body's bytes. */
export function splitMessage(raw: Uint8Array): { headers: RawHeader[]; body: string } {
  const text = bytesToBinary(raw);
  const match = /\r?\n\r?\n/.exec(text);
  if (!match) return { headers: parseHeaderBlock(text), body: "" };
  return { headers: parseHeaderBlock(text.slice(0, match.index)), body: text.slice(match.index + match[0].length) };
}

export function joinMessage(headers: RawHeader[], body: string): Uint8Array {
  return binaryToBytes(`${headers.map((h) => `${h.name}: ${h.value}`).join("\r\n")}\r\n\r\n${body}`);
}

export function setHeader(headers: RawHeader[], name: string, value: string): RawHeader[] {
  const lower = name.toLowerCase();
  const index = headers.findIndex((h) => h.name.toLowerCase() === lower);
  if (index === -1) return [{ name, value }, ...headers];
  return headers
    .map((h, i) => (i === index ? { name: h.name, value } : h))
    .filter((h, i) => i === index || h.name.toLowerCase() !== lower);
}

export function removeHeader(headers: RawHeader[], name: string): RawHeader[] {
  return headers.filter((h) => h.name.toLowerCase() !== name.toLowerCase());
}
