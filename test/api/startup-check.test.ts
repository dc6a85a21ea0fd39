import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reportConfigAtStartup } from "../../src/startup-check";

afterEach(() => vi.restoreAllMocks());

describe("configuration reported at start-up (docs/api.md Configuration)", () => {
  it("logs misconfigured naming the setting, without its value", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    reportConfigAtStartup({ ...env, TOKEN_ENCRYPTION_KEY: "dG9vLXNob3J0", API_JWT_SECRET: "" });

    expect(errors).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(errors.mock.calls[0]?.[0]));
    expect(line).toMatchObject({ level: "error", event: "misconfigured" });
    expect(line.details.settings).toEqual(expect.arrayContaining(["TOKEN_ENCRYPTION_KEY", "API_JWT_SECRET"]));
    expect(JSON.stringify(line)).not.toContain("dG9vLXNob3J0");
  });

  it("stays silent when every setting is valid", () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    reportConfigAtStartup(env);
    expect(errors).not.toHaveBeenCalled();
  });
});
