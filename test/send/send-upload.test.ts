import { describe, expect, it } from "vitest";
import { UPLOAD_THRESHOLD_BYTES } from "../../src/gmail/send";
import { advanceClock } from "../support/google";
import { bytesBase64, connectedSender, newKey, send, sentInGmail } from "./support";

describe("streamed upload (R13, R17)", () => {
  it("R13: an access token Google refuses mid-upload is refreshed and the message streamed again, byte-exact, sent once", async () => {
    const sender = await connectedSender();
    const file = bytesBase64(UPLOAD_THRESHOLD_BYTES + 512 * 1024, 3);
    // Google's clock passes the access token's expiry; ours still holds it valid, so the first upload gets 401.
    await advanceClock(sender.address, 2 * 60 * 60 * 1000);
    const res = await send(
      sender,
      {
        text: "over the upload threshold",
        attachments: [{ filename: "scan.pdf", contentType: "application/pdf", contentBase64: file.base64 }],
      },
      newKey(),
    );
    expect(res.status).toBe(201);
    const sent = await sentInGmail(sender.address);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.attachments[0]?.contentBase64 === file.base64).toBe(true);
    expect(res.body.message.attachments).toMatchObject([{ filename: "scan.pdf", size: file.bytes.length }]);
  }, 60_000);
});
