/**
 * Which methods a path answers to, from the app's route table: a known path asked with another method
 * is 405 (with `Allow`), an unknown one 404. Pure. Middleware entries (method ALL) are not routes.
 */
export interface RouteEntry {
  method: string;
  path: string;
}

function toRegExp(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  // Exact, like the router (strict): "/contacts/" is not "/contacts", so it is a 404, never a 405.
  return new RegExp(`^${source}$`);
}

export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (toRegExp(route.path).test(path)) methods.add(route.method.toUpperCase());
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
