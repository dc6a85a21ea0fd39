/**
 * The isolates of a Miniflare's workerd through its inspector (Chrome DevTools protocol): each isolate's V8
 * heap with its ArrayBuffers. Miniflare runs its own isolates (its entry, the R2 simulator) in the same
 * workerd process as the service, so the process's RSS counts them too; the service's own isolate is
 * "core:user:" (the Worker and its Durable Objects: one service, one isolate).
 */

/**
 * Connects to every isolate listed at `port`; `heap(id)` reads one's V8 heap and ArrayBuffer bytes, `collect(id)`
 * collects its garbage first when a bench wants what is alive rather than what V8 has not freed yet.
 */
export async function connectIsolates(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const sessions = await Promise.all(targets.map((t) => openSession(t.id, t.webSocketDebuggerUrl)));
  return {
    ids: sessions.map((s) => s.id),
    heap: async (id) => {
      const session = sessions.find((s) => s.id === id);
      if (!session) throw new Error(`inspector: no isolate ${id}`);
      const usage = await session.call("Runtime.getHeapUsage");
      return usage.usedSize + (usage.backingStorageSize ?? 0);
    },
    /** A full garbage collection in one isolate: what `heap(id)` reads next is what is still alive. */
    collect: async (id) => {
      const session = sessions.find((s) => s.id === id);
      if (!session) throw new Error(`inspector: no isolate ${id}`);
      await session.call("HeapProfiler.collectGarbage");
    },
    close: () => {
      for (const s of sessions) s.socket.close();
    },
  };
}

async function openSession(id, url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let next = 0;
  const pending = new Map();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${id}: ${message.error.message}`));
    else waiter.resolve(message.result);
  };
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve, reject });
      socket.send(JSON.stringify({ id: next, method, params }));
    });
  return { id, socket, call };
}

/**
 * One isolate's live memory (V8 heap and ArrayBuffers after a full collection), read every 25 ms until
 * `stop()`, which answers its peak rise over the live memory at the start: what a download or a send holds,
 * not the garbage V8 has yet to free (the other figures count that too). workerd runs an inspector's
 * collection only once something enters the isolate, so each one is sent with `wake()` (a small request):
 * without it a collection of an idle isolate is never answered.
 */
export async function sampleLive(isolates, id, wake) {
  const live = async () => {
    const collected = isolates.collect(id);
    await wake();
    await collected;
    return isolates.heap(id);
  };
  const base = await live();
  let peak = base;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      peak = Math.max(peak, await live());
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return peak - base;
    },
  };
}
