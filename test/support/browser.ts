/**
 * A browser as far as the service can tell: a cookie jar in front of the Worker's fetch. R32 binds a connect
 * to the browser that opened its start URL, so tests connect through one, and a second `TestBrowser` is
 * "someone else's browser".
 */
import { exports } from "cloudflare:workers";

export class TestBrowser {
  readonly #cookies = new Map<string, { value: string; expiresAt: number }>();

  /** One request, redirects not followed (the test decides where the browser goes next). */
  async open(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader();
    if (cookie) headers.set("cookie", cookie);
    const res = await exports.default.fetch(new Request(url, { ...init, headers, redirect: "manual" }));
    for (const line of res.headers.getSetCookie()) this.#store(line);
    return res;
  }

  cookieHeader(now = Date.now()): string {
    const live = [...this.#cookies].filter(([, cookie]) => cookie.expiresAt > now);
    return live.map(([name, cookie]) => `${name}=${cookie.value}`).join("; ");
  }

  /** Plants a cookie, as a test of something else than R32 does for a state it sealed itself. */
  setCookie(name: string, value: string, maxAgeSeconds = 600): void {
    this.#cookies.set(name, { value, expiresAt: Date.now() + maxAgeSeconds * 1000 });
  }

  cookieNames(): string[] {
    return [...this.#cookies.keys()];
  }

  #store(line: string): void {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const maxAge = attributes.find((a) => a.toLowerCase().startsWith("max-age="));
    const seconds = maxAge ? Number(maxAge.slice(8)) : 24 * 3600;
    if (seconds <= 0) this.#cookies.delete(name);
    else this.#cookies.set(name, { value: pair.slice(eq + 1), expiresAt: Date.now() + seconds * 1000 });
  }
}

/** The browser every connect helper uses unless a test passes another. */
export const defaultBrowser = new TestBrowser();
