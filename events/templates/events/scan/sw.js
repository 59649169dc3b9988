// Service worker of the gate scanner: keeps the scanner's page and files so that /scan/ opens
// at a gate without network. The page itself is fetched fresh whenever the network answers;
// the API is never cached (the page keeps its own queue and pass list in IndexedDB).
const CONFIG = {{ config|safe }};
const CACHE = `bookday-scanner-${CONFIG.version}`;
const SHELL = new Set(CONFIG.shell);

async function put(cache, url) {
  const response = await fetch(url, { cache: "reload", credentials: "same-origin" });
  if (!response.ok || response.redirected) throw new Error(`${url}: ${response.status}`);
  await cache.put(url, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(CONFIG.shell.map((url) => put(cache, url)));
    // The page too, if the session is still valid; otherwise it is kept on the next visit.
    await put(cache, CONFIG.page).catch(() => {});
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("bookday-scanner-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 6000);
    const response = await fetch(request, { signal: controller.signal });
    clearTimeout(timer);
    // Only the scanner itself is kept, never a login page or a refusal.
    if (response.ok && !response.redirected) await cache.put(CONFIG.page, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(CONFIG.page, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function shellFile(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === CONFIG.page) event.respondWith(page(request));
  else if (SHELL.has(url.pathname)) event.respondWith(shellFile(request));
});
