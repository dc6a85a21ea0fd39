/**
 * Bench only (bundled by bench/worker-entry.mjs, never by src/): counts the D1 statements the app runs, by
 * wrapping every D1 binding (per binding in `byDatabase`), and the R2 operations on ATTACHMENTS. A statement counts once when it runs: `run`/`all`/`first`/`raw` of a prepared
 * statement, each statement inside `batch`, and each statement `exec` reports. Counts live on the
 * isolate's globalThis; each isolate tags its counts with an id so the bench can tell whether the Worker
 * and the Durable Object share one isolate (they do in local workerd) and not add the same counts twice.
 */
const KEY = Symbol.for("bench.d1Stats");

function fresh() {
  return {
    statements: 0,
    single: 0,
    batches: 0,
    inBatches: 0,
    exec: 0,
    byKind: {},
    byDatabase: {},
    r2: { put: 0, get: 0, head: 0, delete: 0, list: 0 },
  };
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
  return {
    isolate,
    ...counts,
    byKind: { ...counts.byKind },
    byDatabase: { ...counts.byDatabase },
    r2: { ...counts.r2 },
  };
}

export function resetD1Stats() {
  stats().counts = fresh();
}

function note(sql, how, binding) {
  const counts = stats().counts;
  counts.byDatabase[binding] = (counts.byDatabase[binding] ?? 0) + 1;
  const verb = (/^\s*(\w+)/.exec(sql)?.[1] ?? "?").toLowerCase();
  counts.statements += 1;
  counts[how] += 1;
  const kind = `${how}:${verb}`;
  counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
}

const inner = new WeakMap();

function wrapStatement(statement, sql, binding) {
  const wrapped = {
    bind: (...params) => wrapStatement(statement.bind(...params), sql, binding),
    run: (...args) => {
      note(sql, "single", binding);
      return statement.run(...args);
    },
    all: (...args) => {
      note(sql, "single", binding);
      return statement.all(...args);
    },
    first: (...args) => {
      note(sql, "single", binding);
      return statement.first(...args);
    },
    raw: (...args) => {
      note(sql, "single", binding);
      return statement.raw(...args);
    },
  };
  inner.set(wrapped, { statement, sql });
  return wrapped;
}

function wrapDatabase(db, binding) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql), sql, binding),
    batch: (statements) => {
      stats().counts.batches += 1;
      const real = statements.map((s) => {
        const found = inner.get(s);
        if (!found) throw new Error("bench d1-count: batch got a statement the wrapper did not prepare");
        note(found.sql, "inBatches", binding);
        return found.statement;
      });
      return db.batch(real);
    },
    exec: async (sql) => {
      const result = await db.exec(sql);
      for (let i = 0; i < result.count; i++) note(sql, "exec", binding);
      return result;
    },
    dump: () => db.dump(),
    withSession: () => {
      throw new Error("bench d1-count: withSession is not counted; extend the wrapper before using it");
    },
  };
}

const wrappedEnvs = new WeakMap();

/** R2 operations on the message content bucket (R31: large bodies, kept attachments), by kind. */
function wrapBucket(bucket) {
  const count =
    (kind, call) =>
    (...args) => {
      stats().counts.r2[kind] += 1;
      return call(...args);
    };
  return new Proxy(bucket, {
    get: (target, prop) => {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      const bound = value.bind(target);
      return ["put", "get", "head", "delete", "list"].includes(prop) ? count(prop, bound) : bound;
    },
  });
}

/** The same env with every D1 binding (the directory and each location database) and ATTACHMENTS counting. */
export function countingEnv(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    const names = new Set([
      "DB",
      ...String(env.LOCATION_DATABASES ?? "DB")
        .split(",")
        .map((n) => n.trim()),
    ]);
    const counted = new Map([...names].map((name) => [name, wrapDatabase(env[name], name)]));
    counted.set("ATTACHMENTS", wrapBucket(env.ATTACHMENTS));
    wrapped = new Proxy(env, {
      get: (target, prop) => (counted.has(prop) ? counted.get(prop) : Reflect.get(target, prop)),
    });
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}
