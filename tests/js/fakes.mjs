// Stand-ins for the browser's pieces, shared by the scanner's module tests (no npm packages).
import { NetworkError } from "../../events/static/events/scanner/api.js";

const KEYS = { queue: "client_id", rejected: "client_id", bundles: "event_id", ledger: "client_id" };

/** The store's interface (store.js) in memory. */
export class MemoryDb {
  constructor() {
    this.stores = Object.fromEntries(Object.keys(KEYS).map((name) => [name, new Map()]));
  }
  async all(name) { return [...this.stores[name].values()].map((v) => structuredClone(v)); }
  async get(name, key) { const v = this.stores[name].get(key); return v === undefined ? undefined : structuredClone(v); }
  async put(name, ...values) { for (const v of values) this.stores[name].set(v[KEYS[name]], structuredClone(v)); }
  async delete(name, ...keys) { for (const k of keys) this.stores[name].delete(k); }
}

/** prefs (store.js) in memory. */
export function storage() {
  const data = new Map();
  return { data, get: (k, fallback = null) => structuredClone(data.get(k) ?? fallback), set: (k, v) => data.set(k, structuredClone(v)) };
}

/** The network state a module sees (Sync's interface), recording what it was told. */
export function fakeSync({ connected = true, online = true } = {}) {
  return {
    connected: () => connected,
    online,
    reachable() { return connected && this.online; },
    told: [],
    added: [],
    setOnline(value) { this.told.push(value); this.online = value; },
    loginLost() { this.told.push("login"); },
    async add(item) { this.added.push(item); },
  };
}

/** An API answering from a list of answers (objects, or functions of the request; throw for no network). */
export function fakeApi(...answers) {
  const calls = [];
  const api = async (path, options = {}) => {
    calls.push({ path, ...options });
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected request ${path}`);
    if (answer === "offline") throw new NetworkError("offline");
    return typeof answer === "function" ? answer(path, options) : answer;
  };
  api.calls = calls;
  return api;
}

export const STRINGS = {
  uploaded: "Đã tải lên %(n)s.",
  differed: "%(n)s quyết định khác.",
  rejected: "%(n)s mục bị từ chối.",
  retry_in: "Thử lại sau %(n)s giây.",
  undone: "Đã hoàn tác: %(what)s.",
  undo_failed: "Không hoàn tác được: %(reason)s",
  undo_label: "Hoàn tác: %(what)s",
  action_scan: "%(name)s, %(n)s người",
  action_scan_one: "%(name)s, 1 người",
  action_scan_offline: "lượt vào lúc %(time)s, %(n)s người",
  action_walkins: "%(n)s khách vào tự do",
  action_walkins_one: "1 khách vào tự do",
  walkins_counted: "Đã đếm %(n)s người không vé.",
  walkins_queued: "Đã đếm %(n)s người không vé (sẽ tải lên).",
  bundle_age: "Danh sách: %(n)s vé, cập nhật %(time)s.",
  bundle_missing: "Chưa tải danh sách vé.",
  camera_starting: "Đang bật máy ảnh…",
  camera_on: "Hướng máy ảnh vào mã QR.",
  camera_paused: "Đã tạm dừng máy ảnh.",
  camera_denied: "Máy ảnh bị chặn.",
  camera_missing: "Không tìm thấy máy ảnh.",
  pause_camera: "Tạm dừng",
  start_camera: "Bật máy ảnh",
};
