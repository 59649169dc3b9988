// The check-in API, called with the staff member's session (CSRF token in a header) and the
// page's language, so that the server's messages come back translated.

export class NetworkError extends Error {}

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

export function makeApi(config) {
  /**
   * {status, ok, data, etag}; throws NetworkError when no answer came (offline, timeout).
   * Refusals are answers, not errors: 4xx and 5xx are returned to the caller to judge.
   */
  return async function call(path, { method = "GET", body, headers = {}, timeout = 4000 } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const sent = { Accept: "application/json", "Accept-Language": config.language, ...headers };
    if (body !== undefined) sent["Content-Type"] = "application/json";
    if (method !== "GET") sent["X-CSRFToken"] = cookie(config.csrf_cookie) || config.csrf_token;
    try {
      const response = await fetch(config.api + path, {
        method,
        headers: sent,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        redirect: "error",
        signal: controller.signal,
      });
      let data = null;
      if (response.status !== 304 && (response.headers.get("Content-Type") || "").includes("json")) {
        data = await response.json();
      }
      return { status: response.status, ok: response.ok, data, etag: response.headers.get("ETag") };
    } catch (error) {
      throw new NetworkError(String(error));
    } finally {
      clearTimeout(timer);
    }
  };
}
