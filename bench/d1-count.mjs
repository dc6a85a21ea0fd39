/**
 * Bench only (bundled by bench/worker-entry.mjs, never by src/): counts the D1 statements the app runs, by
 * wrapping the `DB` binding. A statement counts once when it runs: `run`/`all`/`first`/`raw` of a prepared
 * statement, each statement inside `batch`, and each statement `exec` reports. Counts live on the
 * isolate's globalThis; each isolate tags its counts with an id so the bench can tell whether the Worker
 * and the Durable Object share one isolate (they do in local workerd) and not add the same counts twice.
 */
const KEY = Symbol.for("bench.d1Stats");

function fresh() {
  return { statements: 0, single: 0, batches: 0, inBatches: 0, exec: 0, byKind: {} };
}

function stats() {
  globalThis[KEY] ??= { isolate: null, counts: fresh() };
  const holder = globalThis[KEY];
  // Random ids are refused at global scope in workerd: the id is drawn at the first request.
  holder.isolate ??= crypto.randomUUID();
  return holder;
}

export function readD1Stats() {
  const { isolate, counts } = stats();
  return { isolate, ...counts, byKind: { ...counts.byKind } };
}

export function resetD1Stats() {
  stats().counts = fresh();
}

function note(sql, how) {
  const counts = stats().counts;
  const verb = (/^\s*(\w+)/.exec(sql)?.[1] ?? "?").toLowerCase();
  counts.statements += 1;
  counts[how] += 1;
  const kind = `${how}:${verb}`;
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
}

const inner = new WeakMap();

function wrapStatement(statement, sql) {
  const wrapped = {
    bind: (...params) => wrapStatement(statement.bind(...params), sql),
    run: (...args) => {
      note(sql, "single");
      return statement.run(...args);
    },
    all: (...args) => {
      note(sql, "single");
      return statement.all(...args);
    },
    first: (...args) => {
      note(sql, "single");
      return statement.first(...args);
    },
    raw: (...args) => {
      note(sql, "single");
      return statement.raw(...args);
    },
  };
  inner.set(wrapped, { statement, sql });
  return wrapped;
}

function wrapDatabase(db) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql), sql),
    batch: (statements) => {
      stats().counts.batches += 1;
      const real = statements.map((s) => {
        const found = inner.get(s);
        if (!found) throw new Error("bench d1-count: batch got a statement the wrapper did not prepare");
        note(found.sql, "inBatches");
        return found.statement;
      });
      return db.batch(real);
    },
    exec: async (sql) => {
      const result = await db.exec(sql);
      for (let i = 0; i < result.count; i++) note(sql, "exec");
      return result;
    },
    dump: () => db.dump(),
    withSession: () => {
      throw new Error("bench d1-count: withSession is not counted; extend the wrapper before using it");
    },
  };
}

const wrappedEnvs = new WeakMap();

/** The same env with `DB` counting; every other binding passes through untouched. */
export function countingEnv(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    const db = wrapDatabase(env.DB);
    wrapped = new Proxy(env, { get: (target, prop) => (prop === "DB" ? db : Reflect.get(target, prop)) });
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}
