import { describe, expect, it } from "vitest";
import discovery from "../../emulator/reference/gmail.v1.discovery.json";
import { BATCH_PATH, GLOBAL_PARAMETERS, METHODS, type MethodSpec } from "../../emulator/gmail/methods";

interface DiscoveryParam {
  location: string;
  type: string;
  format?: string;
  repeated?: boolean;
  required?: boolean;
  enum?: string[];
  default?: string;
  description?: string;
}
interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters?: Record<string, DiscoveryParam>;
  scopes: string[];
  mediaUpload?: { maxSize: string; accept: string[]; protocols: { simple: { path: string } } };
}
interface DiscoveryResource {
  methods?: Record<string, DiscoveryMethod>;
  resources?: Record<string, DiscoveryResource>;
}

/** Every method of the discovery document, by id. */
function allMethods(resources: Record<string, DiscoveryResource>): Map<string, DiscoveryMethod> {
  const out = new Map<string, DiscoveryMethod>();
  const walk = (node: Record<string, DiscoveryResource>) => {
    for (const resource of Object.values(node)) {
      for (const method of Object.values(resource.methods ?? {})) out.set(method.id, method);
      walk(resource.resources ?? {});
    }
  };
  walk(resources);
  return out;
}

const methods = allMethods(discovery.resources as unknown as Record<string, DiscoveryResource>);
const served = Object.entries(METHODS as Record<string, MethodSpec>);

describe("emulator: every served Gmail method matches Google's discovery document", () => {
  it.each(served)("%s: id, HTTP method, path and scopes", (_name, spec) => {
    const method = methods.get(spec.id);
    expect(method, `${spec.id} is not in the discovery document`).toBeDefined();
    expect(method!.httpMethod).toBe(spec.httpMethod);
    expect(method!.path).toBe(spec.path);
    expect([...spec.scopes].sort()).toEqual([...method!.scopes].sort());
  });

  it.each(served)("%s: the same parameters, locations, types, enums, defaults and documented maxima", (_name, spec) => {
    const params = methods.get(spec.id)!.parameters ?? {};
    expect(Object.keys(spec.parameters).sort()).toEqual(Object.keys(params).sort());
    for (const [name, mine] of Object.entries(spec.parameters)) {
      const theirs = params[name]!;
      expect({
        name,
        location: mine.location,
        type: mine.type,
        repeated: mine.repeated ?? false,
        required: mine.required ?? false,
      }).toEqual({
        name,
        location: theirs.location,
        type: theirs.type,
        repeated: theirs.repeated ?? false,
        required: theirs.required ?? false,
      });
      expect(mine.enum ?? null).toEqual(theirs.enum ?? null);
      expect(mine.default ?? null).toEqual(theirs.default ?? null);
      expect(mine.format ?? null).toEqual(theirs.format ?? null);
      if (mine.maximum !== undefined)
        expect(theirs.description).toContain(`The maximum allowed value for this field is ${mine.maximum}.`);
    }
  });

  it("messages.send: the upload path, media types and the 35 MiB cap (maxSize 36700160)", () => {
    const upload = methods.get("gmail.users.messages.send")!.mediaUpload!;
    const mine = METHODS["users.messages.send"].upload;
    expect(mine.path).toBe(upload.protocols.simple.path);
    expect(String(mine.maxSize)).toBe(upload.maxSize);
    expect(mine.maxSize).toBe(36_700_160);
    expect([...mine.accept]).toEqual(upload.accept);
  });

  it("the global query parameters and the batch path", () => {
    expect([...GLOBAL_PARAMETERS].sort()).toEqual(Object.keys(discovery.parameters).sort());
    expect(discovery.batchPath).toBe(BATCH_PATH);
  });
});
