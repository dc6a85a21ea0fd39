import type { KeyRing } from "../oauth/keys";
import type { PushSubscription } from "../options";
import { toBase64, utf8 } from "../util/base64";
import { randomDigits } from "../util/random";
import { ACK_DEADLINE_MS, backoffMs, isAck, RETENTION_MS } from "./backoff";
import { signPushToken } from "./token";

/** The exact HTTP request Pub/Sub makes for one push attempt. */
export interface PushRequest {
  deliveryId: string;
  account: string;
  attempt: number;
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
}

/** Faults a test sets on the next pushes of one mailbox. */
export interface PushFaults {
  drop?: number;
  duplicate?: number;
  delay?: { count: number; ms: number };
  /** Hold the next `count` pushes, then release them newest first. */
  reorder?: number;
}

type EntryState = "pending" | "inflight" | "acked" | "expired";

interface Entry {
  id: string;
  account: string;
  subscription: PushSubscription;
  messageId: string;
  publishTime: string;
  data: string;
  failures: number;
  statuses: number[];
  dueAt: number;
  seq: number;
  state: EntryState;
  inflightUntil: number;
  publishedAt: number;
}

export interface OutboxEntryView {
  deliveryId: string;
  account: string;
  messageId: string;
  data: unknown;
  state: EntryState;
  attempts: number;
  statuses: number[];
  dueAt: string;
}

/** A push not delivered yet, as the emulator's snapshot keeps it (the subscription by name). */
export type OutboxEntrySnapshot = Omit<Entry, "subscription" | "state" | "inflightUntil"> & { subscription: string };

interface Deps {
  keys: KeyRing;
  nowFor(email: string): number;
  subscriptionsFor(topic: string): PushSubscription[];
}

/** Pub/Sub's side of Gmail push: messages waiting for delivery, their retries, and test-set faults. */
export class Outbox {
  #entries: Entry[] = [];
  #seq = 0;
  #faults = new Map<
    string,
    { drop: number; duplicate: number; delay: { count: number; ms: number } | null; reorder: number; held: Entry[] }
  >();
  constructor(private readonly deps: Deps) {}

  setFaults(email: string, faults: PushFaults): void {
    const current = this.#faults.get(email) ?? { drop: 0, duplicate: 0, delay: null, reorder: 0, held: [] };
    this.#faults.set(email, {
      drop: faults.drop ?? current.drop,
      duplicate: faults.duplicate ?? current.duplicate,
      delay: faults.delay ?? current.delay,
      reorder: faults.reorder ?? current.reorder,
      held: current.held,
    });
  }

  publish(email: string, topic: string, payload: unknown, now: number): void {
    const data = toBase64(utf8.encode(JSON.stringify(payload)));
    const messageId = randomDigits(16);
    const publishTime = new Date(now).toISOString();
    for (const subscription of this.deps.subscriptionsFor(topic)) {
      const entry: Entry = {
        id: `${messageId}-${this.#seq}`,
        account: email,
        subscription,
        messageId,
        publishTime,
        data,
        failures: 0,
        statuses: [],
        dueAt: now,
        seq: this.#seq++,
        state: "pending",
        inflightUntil: 0,
        publishedAt: now,
      };
      this.#enqueue(entry);
    }
  }

  #enqueue(entry: Entry): void {
    const f = this.#faults.get(entry.account);
    if (f && f.drop > 0) {
      f.drop -= 1;
      return;
    }
    if (f?.delay && f.delay.count > 0) {
      entry.dueAt += f.delay.ms;
      f.delay.count -= 1;
    }
    if (f && f.reorder > 0) {
      f.held.push(entry);
      if (f.held.length < f.reorder) return;
      const released = f.held.reverse();
      f.held = [];
      f.reorder = 0;
      // Released together at the last one's time, so the reversed order is the delivery order.
      for (const e of released) this.#add({ ...e, dueAt: Math.max(e.dueAt, entry.dueAt), seq: this.#seq++ }, f);
      return;
    }
    this.#add(entry, f);
  }

  #add(entry: Entry, f: { duplicate: number } | undefined): void {
    this.#entries.push(entry);
    if (f && f.duplicate > 0) {
      f.duplicate -= 1;
      this.#entries.push({ ...entry, id: `${entry.id}-dup`, seq: this.#seq++ });
    }
  }

  /** Due attempts, oldest first, marked in flight until acked or their ack deadline passes. */
  async pull(filter: { account?: string; max?: number }): Promise<PushRequest[]> {
    const due: Entry[] = [];
    for (const entry of this.#entries) {
      if (filter.account && entry.account !== filter.account) continue;
      const now = this.deps.nowFor(entry.account);
      if (entry.state === "inflight" && now >= entry.inflightUntil) this.#fail(entry, 0, entry.inflightUntil);
      if (entry.state === "pending" && now - entry.publishedAt > RETENTION_MS) entry.state = "expired";
      if (entry.state === "pending" && entry.dueAt <= now) due.push(entry);
    }
    due.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    const taken = due.slice(0, filter.max ?? 100);
    return Promise.all(taken.map((entry) => this.#request(entry)));
  }

  async #request(entry: Entry): Promise<PushRequest> {
    const now = this.deps.nowFor(entry.account);
    entry.state = "inflight";
    entry.inflightUntil = now + ACK_DEADLINE_MS;
    const token = await signPushToken(this.deps.keys, entry.subscription, now);
    const body = {
      message: {
        data: entry.data,
        messageId: entry.messageId,
        message_id: entry.messageId,
        publishTime: entry.publishTime,
        publish_time: entry.publishTime,
      },
      subscription: entry.subscription.name,
    };
    return {
      deliveryId: entry.id,
      account: entry.account,
      attempt: entry.statuses.length + 1,
      url: entry.subscription.endpoint,
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "user-agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
      },
      body: JSON.stringify(body),
    };
  }

  #fail(entry: Entry, status: number, at: number): void {
    entry.statuses.push(status);
    entry.failures += 1;
    entry.state = "pending";
    entry.dueAt = at + backoffMs(entry.failures);
  }

  /** The endpoint's answer to an attempt. Returns false for an unknown or no longer in-flight delivery. */
  ack(deliveryId: string, status: number): boolean {
    const entry = this.#entries.find((e) => e.id === deliveryId);
    if (entry?.state !== "inflight") return false;
    if (isAck(status)) {
      entry.statuses.push(status);
      entry.state = "acked";
    } else {
      this.#fail(entry, status, this.deps.nowFor(entry.account));
    }
    return true;
  }

  /** Pushes still to deliver; one in flight when the process stops is due again, as Pub/Sub would redeliver it. */
  snapshot(): OutboxEntrySnapshot[] {
    return this.#entries
      .filter((e) => e.state === "pending" || e.state === "inflight")
      .map(({ subscription, state: _state, inflightUntil: _until, ...entry }) => ({
        ...entry,
        subscription: subscription.name,
      }));
  }

  restore(entries: OutboxEntrySnapshot[], subscriptionNamed: (name: string) => PushSubscription | null): void {
    for (const { subscription: name, ...entry } of entries) {
      const subscription = subscriptionNamed(name);
      if (subscription) this.#entries.push({ ...entry, subscription, state: "pending", inflightUntil: 0 });
      this.#seq = Math.max(this.#seq, entry.seq + 1);
    }
  }

  list(account?: string): OutboxEntryView[] {
    return this.#entries
      .filter((e) => !account || e.account === account)
      .map((e) => ({
        deliveryId: e.id,
        account: e.account,
        messageId: e.messageId,
        data: JSON.parse(atob(e.data)) as unknown,
        state: e.state,
        attempts: e.statuses.length,
        statuses: [...e.statuses],
        dueAt: new Date(e.dueAt).toISOString(),
      }));
  }
}
