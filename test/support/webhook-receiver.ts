/**
 * The CRM's side of R29 in tests: endpoints at `https://<name>.hooks.test/…` (any name) that record what
 * they receive and answer as a test tells them. Runs in Node inside vitest's outboundService, like the
 * Google emulator; tests reach its controls at `http://control.hooks.test/…` (see hooks.ts).
 */
export interface Received {
  host: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
  answered: number;
}

/** One answer: a status, or no answer at all (the connection hangs until the caller gives up). */
type Behaviour = { status: number } | { hang: true };

interface Plan {
  next: Behaviour[];
  after: Behaviour;
}

const HANG_LIMIT_MS = 30_000;

export function createWebhookReceiver() {
  const received: Received[] = [];
  const plans = new Map<string, Plan>();

  async function control(request: Request, url: URL): Promise<Response> {
    if (url.pathname === "/plan" && request.method === "POST") {
      const body = (await request.json()) as { host: string; next?: Behaviour[]; after?: Behaviour };
      plans.set(body.host, { next: body.next ?? [], after: body.after ?? { status: 200 } });
      return Response.json({ ok: true });
    }
    if (url.pathname === "/received") {
      const host = url.searchParams.get("host");
      return Response.json(received.filter((r) => host === null || r.host === host));
    }
    return new Response("unknown control", { status: 404 });
  }

  async function endpoint(request: Request, url: URL): Promise<Response> {
    const plan = plans.get(url.hostname) ?? { next: [], after: { status: 200 } };
    const behaviour = plan.next.shift() ?? plan.after;
    const record: Received = {
      host: url.hostname,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
      receivedAt: Date.now(),
      answered: "status" in behaviour ? behaviour.status : 0,
    };
    received.push(record);
    if ("hang" in behaviour) {
      await new Promise((resolve) => setTimeout(resolve, HANG_LIMIT_MS));
      return new Response("too late", { status: 504 });
    }
    // A long answer, so that the service's capped read of it is exercised; null-body statuses get none.
    const empty = [101, 204, 205, 304].includes(behaviour.status);
    return new Response(empty ? null : "x".repeat(64 * 1024), { status: behaviour.status });
  }

  return {
    fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      return url.hostname === "control.hooks.test" ? control(request, url) : endpoint(request, url);
    },
  };
}
