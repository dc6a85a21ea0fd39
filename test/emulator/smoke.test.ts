import { describe, expect, it } from "vitest";
import { createAccount, deliver, uniqueEmail } from "../support/google";
import { gmailFetch, obtainTokens } from "../support/google-oauth";

describe("emulator smoke", () => {
  it("connects and reads a delivered message", async () => {
    const owner = uniqueEmail("smoke");
    await createAccount(owner);
    const tokens = await obtainTokens(owner);
    const delivered = await deliver(owner, { from: "ann@example.com", to: owner, subject: "Hi", text: "Hello there" });
    const res = await gmailFetch(tokens.access_token, `/gmail/v1/users/me/messages/${delivered.id}`);
    const body = await res.json();
    console.log(JSON.stringify(body).slice(0, 600));
    expect(res.status).toBe(200);
  });
});
