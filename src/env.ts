/**
 * The Worker's bindings and settings, generated from wrangler.toml and .dev.vars.example by `npm run types`
 * (worker-configuration.d.ts; never edit it by hand). No index signature: a misspelt binding does not compile.
 * Settings are read only through config.ts, which parses them once.
 */
export type Env = Cloudflare.Env;
