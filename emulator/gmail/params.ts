import { errors } from "./errors";
import { GLOBAL_PARAMETERS, type MethodSpec } from "./methods";

/** Query values checked against a method's discovery parameters. */
export interface QueryValues {
  string(name: string): string | undefined;
  list(name: string): string[];
  int(name: string): number | undefined;
  bool(name: string): boolean;
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const invalidValue = (name: string, type: string, value: string) =>
  errors.invalidArgument(`Invalid value at '${snake(name)}' (${type}), "${value}"`);

/**
 * Google's front end refuses unknown query parameters and values of the wrong type before the method runs.
 * Values above a documented maximum are clamped, as Gmail does (maxResults=1000 returns 500).
 */
export function parseQuery(
  spec: MethodSpec,
  url: URL,
): { ok: true; values: QueryValues } | { ok: false; response: Response } {
  const strings = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const ints = new Map<string, number>();
  const bools = new Map<string, boolean>();
  for (const [name, value] of url.searchParams) {
    const param = spec.parameters[name as keyof typeof spec.parameters] as MethodSpec["parameters"][string] | undefined;
    if (param?.location !== "query") {
      if ((GLOBAL_PARAMETERS as readonly string[]).includes(name)) continue;
      return {
        ok: false,
        response: errors.badRequest(
          `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
        ),
      };
    }
    let normalized = value;
    if (param.enum) {
      const match = param.enum.find((e) => e.toLowerCase() === value.toLowerCase());
      if (!match) return { ok: false, response: invalidValue(name, "TYPE_ENUM", value) };
      normalized = match;
    }
    if (param.type === "integer") {
      if (!/^\d+$/.test(value) || Number(value) > 0xffffffff)
        return { ok: false, response: invalidValue(name, "TYPE_UINT32", value) };
      ints.set(name, Math.min(Number(value), param.maximum ?? Infinity));
    } else if (param.type === "boolean") {
      if (value !== "true" && value !== "false") return { ok: false, response: invalidValue(name, "TYPE_BOOL", value) };
      bools.set(name, value === "true");
    } else if (param.format === "uint64" && !/^\d{1,20}$/.test(value)) {
      return { ok: false, response: invalidValue(name, "TYPE_UINT64", value) };
    }
    if (param.repeated) lists.set(name, [...(lists.get(name) ?? []), normalized]);
    else if (!strings.has(name)) strings.set(name, normalized);
  }
  const defaults = (name: string) =>
    (spec.parameters[name as keyof typeof spec.parameters] as MethodSpec["parameters"][string] | undefined)?.default;
  return {
    ok: true,
    values: {
      string: (name) => strings.get(name) ?? defaults(name),
      list: (name) => lists.get(name) ?? [],
      int: (name) => ints.get(name) ?? (defaults(name) !== undefined ? Number(defaults(name)) : undefined),
      bool: (name) => bools.get(name) ?? defaults(name) === "true",
    },
  };
}
