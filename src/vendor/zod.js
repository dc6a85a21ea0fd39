// zod's classic entry (node_modules/zod/v4/classic/external.js) without what the Worker never uses: the 40
// translations of error messages (`locales`, 364 KiB: @hono/zod-openapi hands the whole `z` namespace to
// zod-to-openapi, so esbuild cannot drop them), `compile` and `fromJSONSchema`. wrangler.toml aliases "zod"
// here for the deployed bundle only; tests and tools use zod itself. English messages stay (config below).
export * as core from "./zod-core.js";
export * from "../../node_modules/zod/v4/classic/schemas.js";
export * from "../../node_modules/zod/v4/classic/checks.js";
export * from "../../node_modules/zod/v4/classic/errors.js";
export * from "../../node_modules/zod/v4/classic/parse.js";
export * from "../../node_modules/zod/v4/classic/compat.js";
export {
  globalRegistry,
  registry,
  config,
  memoizer,
  $output,
  $input,
  $brand,
  clone,
  regexes,
  treeifyError,
  prettifyError,
  formatError,
  flattenError,
  TimePrecision,
  util,
  NEVER,
  toZod,
  getDiscriminatedOption,
} from "./zod-core.js";
export { toJSONSchema } from "../../node_modules/zod/v4/core/json-schema-processors.js";
export { deepPartial } from "../../node_modules/zod/v4/classic/deep-partial.js";
export { input, output } from "../../node_modules/zod/v4/classic/in-out.js";
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from "../../node_modules/zod/v4/classic/iso.js";
export * as iso from "../../node_modules/zod/v4/classic/iso.js";
export * as coerce from "../../node_modules/zod/v4/classic/coerce.js";
import { config } from "./zod-core.js";
import en from "../../node_modules/zod/v4/locales/en.js";
config(en());
