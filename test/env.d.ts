// The tests' env: the generated Cloudflare.Env (worker-configuration.d.ts) plus what vitest.config.ts binds
// for tests only.
declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index");
      durableNamespaces: "Mailbox";
    }
    interface Env {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
  }
}

export {};
