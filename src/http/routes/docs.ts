import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../router";

/** Mounted at /: the API reference, Swagger UI (Workers static assets under /docs/) over /openapi.json. */
export const docsRoutes = newRouter();

/*
 * Only our own fixed text, and scripts from our own origin: the renderer and its start-up file are static
 * assets, so the policy needs no inline script. Swagger UI sets inline styles and shows data: images.
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crm-gmail-sync API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

docsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/docs",
    summary: "This API reference, rendered from /openapi.json; Authorize takes a bearer API token",
    responses: { 200: { description: "The reference page", content: { "text/html": { schema: z.string() } } } },
  }),
  (c) => c.html(DOCS_PAGE, 200, { "content-security-policy": DOCS_CSP, "x-content-type-options": "nosniff" }),
);
