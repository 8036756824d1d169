// The typed API client: every path and body comes from the types generated from the committed
// schema/openapi.yaml (npm run generate), so no URL is written by hand.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type ApiError = Schemas["Error"];

export function apiClient(options: { csrfToken: string; language: string }) {
  // Same origin: the schema's paths already start with /api/v1.
  const client = createClient<paths>({ baseUrl: window.location.origin, credentials: "same-origin" });
  const headers: Middleware = {
    onRequest({ request }) {
      request.headers.set("X-CSRFToken", options.csrfToken);
      request.headers.set("Accept-Language", options.language);
      return request;
    },
  };
  client.use(headers);
  return client;
}

export type ApiClient = ReturnType<typeof apiClient>;

/** The French (or the admin's language) sentence of an API refusal, else a fallback. */
export function errorDetail(error: unknown, fallback: string): string {
  if (error && typeof error === "object" && "detail" in error && typeof error.detail === "string") {
    return error.detail;
  }
  return fallback;
}
