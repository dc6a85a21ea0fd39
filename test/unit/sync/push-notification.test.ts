import { describe, expect, it } from "vitest";
import { parsePushBody } from "../../../src/sync/push-notification";

const envelope = (data: string) =>
  JSON.stringify({ message: { data, messageId: "1" }, subscription: "projects/p/subscriptions/s" });
const b64 = (s: string) => btoa(s);
const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("parsePushBody", () => {
  it.each([
    [
      "base64, string id",
      envelope(b64('{"emailAddress":"Owner@Gmail.com","historyId":"12345"}')),
      "owner@gmail.com",
      "12345",
    ],
    ["base64url, number id", envelope(b64url('{"emailAddress":"o@x.com","historyId":99}')), "o@x.com", "99"],
    [
      "unpadded with ?> chars",
      envelope(b64url('{"emailAddress":"o@x.com","historyId":"7","x":"??>>"}')),
      "o@x.com",
      "7",
    ],
  ])("accepts %s", (_label, body, email, historyId) => {
    expect(parsePushBody(body)).toEqual({ ok: true, value: { emailAddress: email, historyId } });
  });

  it.each([
    ["not JSON", "{", "bad_envelope"],
    ["no message", "{}", "bad_envelope"],
    ["data not base64 JSON", envelope(b64("nope")), "bad_notification"],
    ["data not UTF-8", envelope(btoa("\xff\xfe")), "bad_data"],
    ["historyId negative", envelope(b64('{"emailAddress":"o@x.com","historyId":-1}')), "bad_notification"],
    ["historyId text", envelope(b64('{"emailAddress":"o@x.com","historyId":"12a"}')), "bad_notification"],
    ["no address", envelope(b64('{"historyId":"1"}')), "bad_notification"],
  ])("refuses %s", (_label, body, reason) => {
    expect(parsePushBody(body)).toEqual({ ok: false, error: reason });
  });
});
