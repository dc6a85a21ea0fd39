// GET /docs: Swagger UI over the service's own /openapi.json. A file, not an inline script, so the page's
// Content-Security-Policy can stay script-src 'self'. "Authorize" takes the bearer API token (bearerAuth).
window.addEventListener("load", () => {
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The token stays in this tab's memory: never written to localStorage.
    persistAuthorization: false,
    validatorUrl: null,
  });
});
