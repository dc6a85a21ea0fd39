import { describe, expect, it } from "vitest";
import { keyId, openToken, sealToken } from "../../src/google/token-crypto";
import { openGrant, sealGrant } from "../../src/mailbox/grant-store";

const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

describe("refresh tokens at rest: AES-256-GCM with a key id, rotation", () => {
  it("seals with a fresh IV each time and opens to the same token", async () => {
    const keys = { current: newKey() };
    const a = await sealToken(keys, "1//0secret", "owner@gmail.com");
    const b = await sealToken(keys, "1//0secret", "owner@gmail.com");
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(await openToken(keys, a, "owner@gmail.com")).toEqual({
      ok: true,
      value: { plaintext: "1//0secret", resealNeeded: false },
    });
  });

  it("rotation: a token sealed under the previous key opens and comes back re-sealed under the current one", async () => {
    const oldKey = newKey();
    const newCurrent = newKey();
    const sealed = await sealGrant({ current: oldKey }, "owner@gmail.com", "1//0rotate");
    const opened = await openGrant({ current: newCurrent, previous: oldKey }, "owner@gmail.com", sealed);
    expect(opened.ok).toBe(true);
    if (!opened.ok || !opened.value.resealed) throw new Error("expected a re-sealed grant");
    expect(opened.value.refreshToken).toBe("1//0rotate");
    expect(opened.value.resealed.kid).toBe(await keyId(newCurrent));
    // Once re-sealed, the old key can be dropped.
    const after = await openGrant({ current: newCurrent }, "owner@gmail.com", opened.value.resealed);
    expect(after).toEqual({ ok: true, value: { refreshToken: "1//0rotate", resealed: null } });
    expect(await openGrant({ current: newCurrent }, "owner@gmail.com", sealed)).toEqual({
      ok: false,
      error: "unknown_key",
    });
  });

  it("a tampered ciphertext does not open", async () => {
    const keys = { current: newKey() };
    const sealed = await sealToken(keys, "1//0secret", "owner@gmail.com");
    const flipped = sealed.ciphertext.startsWith("A")
      ? `B${sealed.ciphertext.slice(1)}`
      : `A${sealed.ciphertext.slice(1)}`;
    expect(await openToken(keys, { ...sealed, ciphertext: flipped }, "owner@gmail.com")).toEqual({
      ok: false,
      error: "corrupt",
    });
  });
});
