"""A fair morning's traffic through nginx, from clients that retry as real ones do.

Each actor is a thread with its own HTTPS session (from its own loopback address, so nginx's
per-address limits see many visitors, as at a real fair). Every answer is recorded, retries
included: (kind, start, end, status, attempt). Retries are the clients' own rules:
- a gate phone sends a scan again with the same client_id (and the scan's original time) until
  it gets an answer; the offline queue uploads its items until each is final;
- a visitor presses "register" again with the same form; a spent proof-of-work answer is solved
  again, as the widget does when the page says it expired;
- page views are reloaded once.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import altcha
import requests
from requests.adapters import HTTPAdapter

RETRY_STATUSES = {0, 429, 500, 502, 503, 504}
HANOI = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Answer:
    kind: str
    start: float  # seconds since the load started
    end: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    attempt: int


@dataclass
class Record:
    """Everything the load did and was told, for the checks."""

    t0: float = field(default_factory=time.monotonic)
    answers: list[Answer] = field(default_factory=list)
    registrations: dict[str, dict] = field(default_factory=dict)  # email -> what it was told
    admitted: list[dict] = field(default_factory=list)  # online scans answered "admitted"
    scans: dict[str, str] = field(default_factory=dict)  # client_id -> final result (online)
    walk_ins: dict[str, int] = field(default_factory=dict)  # client_id -> count, answered
    offline: dict[str, str] = field(default_factory=dict)  # client_id -> "checkin"/"walkin", final
    offline_pending: int = 0
    imports: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, kind: str, start: float, status: int, attempt: int) -> None:
        with self.lock:
            self.answers.append(Answer(kind, start, self.now(), status, attempt))


class SourceAdapter(HTTPAdapter):
    def __init__(self, source: str):
        self.source = source
        super().__init__(pool_connections=2, pool_maxsize=2)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    def __init__(self, base: str, record: Record, source: str, token: str = "", ca: str = ""):
        self.base, self.record = base, record
        self.session = requests.Session()
        # No proxy or CA bundle from the environment: loopback, verified against the rehearsal's
        # own self-signed certificate.
        self.session.trust_env = False
        self.session.verify = ca or False
        self.session.mount("https://", SourceAdapter(source))
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, kind: str, method: str, path: str, attempt: int = 1, **kwargs) -> requests.Response | None:
        start = self.record.now()
        try:
            response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException:
            self.record.add(kind, start, 0, attempt)
            return None
        self.record.add(kind, start, response.status_code, attempt)
        return response

    def until_answered(self, kind, method, path, stop, tries=60, **kwargs) -> requests.Response | None:
        """A client that keeps its request (same body, same client_id) until the server decides."""
        for attempt in range(1, tries + 1):
            response = self.call(kind, method, path, attempt, **kwargs)
            if response is not None and response.status_code not in RETRY_STATUSES:
                return response
            if stop.is_set() and attempt > 3:
                return response
            time.sleep(min(0.5 * attempt, 3))
        return None


def _sleep(stop: threading.Event, seconds: float) -> None:
    stop.wait(seconds)


class Fair:
    """The shared state of the morning: the event, the passes of today, the gate tokens."""

    def __init__(self, base: str, setup: dict, record: Record, stop: threading.Event):
        self.base, self.setup, self.record, self.stop = base, setup, record, stop
        self.event = setup["event"]
        self.today = setup["today"]
        self.codes = list(setup["codes"])  # today's confirmed passes: seeded, then registered
        self.codes_lock = threading.Lock()
        self.counter = 0

    def source(self) -> str:
        with self.codes_lock:
            self.counter += 1
            return f"127.0.{1 + self.counter // 250}.{2 + self.counter % 250}"

    def client(self, token: str = "") -> Client:
        return Client(self.base, self.record, self.source(), token, self.setup.get("ca", ""))

    def random_code(self) -> str:
        with self.codes_lock:
            return random.choice(self.codes)

    # --- anonymous visitors -------------------------------------------------------------------
    def browse(self) -> None:
        client = self.client()
        pages = [
            ("page", "/"),
            ("page", self.setup["event_url"]),
            ("page", "/en/"),
            ("catalogue", f"/events/{self.event}/catalogue/?q=van+hoc"),
            ("catalogue", f"/events/{self.event}/catalogue/?q=kim+dong"),
            ("catalogue", f"/events/{self.event}/exhibitors/"),
            ("static", self.setup["static_path"]),
            ("pass_page", None),
            ("page", "/passes/find/"),
            ("page", f"/events/{self.event}/register/"),
        ]
        while not self.stop.is_set():
            kind, path = random.choice(pages)
            if path is None:
                path = f"/p/{self.random_code()}/"
            response = client.call(kind, "GET", path)
            if response is None or response.status_code >= 500:
                time.sleep(1)
                client.call(kind, "GET", path, attempt=2)  # the visitor reloads once
            _sleep(self.stop, random.uniform(0.1, 0.6))

    # --- the registration rush ------------------------------------------------------------------
    def _altcha(self, client: Client) -> str | None:
        response = client.until_answered("altcha", "GET", "/altcha/challenge/", self.stop, tries=20)
        if response is None or response.status_code != 200:
            return None
        challenge = response.json()
        solution = altcha.solve_challenge(
            challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
        )
        payload = altcha.Payload(
            challenge["algorithm"],
            challenge["challenge"],
            solution.number,
            challenge["salt"],
            challenge["signature"],
        )
        return payload.to_base64()

    def register(self, worker: int) -> None:
        client = self.client()
        n = 0
        while not self.stop.is_set():
            n += 1
            email = f"rehearsal-{worker}-{n}-{uuid.uuid4().hex[:6]}@example.vn"
            group = random.random() < 0.08
            day = self.today if random.random() < 0.75 else self.setup["tomorrow"]
            form = {
                "full_name": random.choice(
                    ["Đặng Thị Hương", "Nguyễn Văn Ưng", "Trần Minh Khôi", "Lê Thu Hà"]
                ),
                "email": email,
                "phone": f"09{random.randint(10000000, 99999999)}",
                "visit_date": day,
                "party_size": random.randint(15, 30) if group else random.randint(1, 4),
                "organisation": "Trường THCS Suối Hoa" if group else "",
                "consent": True,
                "join_waitlist": True,
                "answers": self.setup["answers"],
            }
            told = {"n201": 0, "n200": 0, "unknown": 0, "codes": [], "status": None, "day": day}
            with self.record.lock:
                self.record.registrations[email] = told
            solved = self._altcha(client)
            for attempt in range(1, 30):
                if solved is None:
                    break
                response = client.call(
                    "register",
                    "POST",
                    f"/api/v1/events/{self.event}/registrations/",
                    attempt,
                    json={**form, "altcha": solved},
                )
                status = 0 if response is None else response.status_code
                if status in (0, 500, 502, 503, 504):
                    told["unknown"] += 1  # the server may or may not have acted
                elif status == 201:
                    body = response.json()
                    told["n201"] += 1
                    told["codes"].append(body["code"])
                    told["status"] = body["status"]
                    if body["status"] == "confirmed" and day == self.today:
                        with self.codes_lock:
                            self.codes.append(body["code"])
                    break
                elif status == 200:
                    told["n200"] += 1
                    break
                elif status == 422 and "altcha" in (response.json().get("errors") or {}):
                    solved = self._altcha(client)  # the check expired or was spent: tick it again
                    continue
                elif status != 429:
                    told["refused"] = status
                    break
                time.sleep(min(0.5 * attempt, 3))
            _sleep(self.stop, random.uniform(0.2, 1.0))

    # --- gates --------------------------------------------------------------------------------
    def gate(self, gate_id: int, token: str) -> None:
        client = self.client(token)
        while not self.stop.is_set():
            code = self.random_code()
            client_id = f"rh:{uuid.uuid4().hex}"
            body = {
                "code": code,
                "event_id": self.event,
                "gate": gate_id,
                "client_id": client_id,
                "scanned_at": dt.datetime.now(HANOI).isoformat(),
            }
            response = client.until_answered("checkin", "POST", "/api/v1/checkins/", self.stop, json=body)
            if response is not None and response.status_code == 200:
                answer = response.json()
                with self.record.lock:
                    self.record.scans[client_id] = answer["result"]
                    if answer["result"] == "admitted":
                        self.record.admitted.append(
                            {
                                "client_id": client_id,
                                "checkin_id": answer["checkin_id"],
                                "code": code,
                                "admitted": answer["admitted"],
                            }
                        )
            _sleep(self.stop, random.uniform(0.05, 0.4))

    def walk_ins(self, gate_id: int, token: str) -> None:
        client = self.client(token)
        while not self.stop.is_set():
            client_id = f"rh-walk:{uuid.uuid4().hex}"
            count = random.randint(1, 5)
            body = {"gate": gate_id, "count": count, "client_id": client_id}
            response = client.until_answered(
                "walkin", "POST", f"/api/v1/events/{self.event}/walkins/", self.stop, json=body
            )
            if response is not None and response.status_code == 200:
                with self.record.lock:
                    self.record.walk_ins[client_id] = count
            _sleep(self.stop, random.uniform(1, 3))

    def offline_gate(self, gate_id: int, token: str) -> None:
        """A phone that lost the venue's network: it queues scans and walk-ins, then uploads them
        in batches with their original times, keeping every item until it is final."""
        client = self.client(token)
        queue: list[dict] = []
        while True:
            stopping = self.stop.is_set()
            if not stopping:
                for _ in range(random.randint(5, 15)):
                    at = dt.datetime.now(HANOI).isoformat()
                    if random.random() < 0.85:
                        queue.append(
                            {
                                "type": "checkin",
                                "code": self.random_code(),
                                "event_id": self.event,
                                "gate": gate_id,
                                "client_id": f"rh-off:{uuid.uuid4().hex}",
                                "scanned_at": at,
                                "offline_result": "admitted",
                            }
                        )
                    else:
                        queue.append(
                            {
                                "type": "walkin",
                                "event_id": self.event,
                                "gate": gate_id,
                                "count": random.randint(1, 3),
                                "client_id": f"rh-offw:{uuid.uuid4().hex}",
                                "at": at,
                            }
                        )
            if queue:
                response = client.call("sync", "POST", "/api/v1/sync/", json={"items": queue})
                if response is not None and response.status_code == 200:
                    kept = []
                    by_id = {item["client_id"]: item for item in queue}
                    for result in response.json():
                        item = by_id[result["client_id"]]
                        if result["final"]:
                            with self.record.lock:
                                self.record.offline[item["client_id"]] = item["type"]
                        else:
                            kept.append(item)
                    queue = kept
            if stopping and (not queue or self.record.now() > self.setup["drain_until"]):
                with self.record.lock:
                    self.record.offline_pending = len(queue)
                return
            _sleep(self.stop, random.uniform(3, 6)) if not stopping else time.sleep(1)

    # --- organisers and publishers ------------------------------------------------------------
    def figures(self, token: str) -> None:
        client = self.client(token)
        while not self.stop.is_set():
            client.call("figures", "GET", f"/api/v1/events/{self.event}/stats/")
            client.call("figures", "GET", f"/api/v1/events/{self.event}/stats/?day={self.today}")
            _sleep(self.stop, random.uniform(1.5, 3))

    def stock_import(self) -> None:
        """The publisher uploads a spreadsheet and confirms it; the Confirm press is repeated
        until an answer comes, as a person would (a second press must not apply it twice)."""
        client = self.client()
        info: dict = {"applied_answers": 0}
        self.record.imports.append(info)
        form = client.until_answered("import", "GET", "/publisher/login/", self.stop)
        if form is None:
            info["error"] = "no login page"
            return
        csrf = client.session.cookies.get("csrftoken")
        client.until_answered(
            "import",
            "POST",
            "/publisher/login/",
            self.stop,
            data={"username": "nxb-demo", "password": "bookday", "csrfmiddlewaretoken": csrf},
            headers={"Referer": self.base + "/publisher/login/"},
        )
        export = client.until_answered(
            "import", "GET", f"/publisher/events/{self.event}/stock.csv", self.stop
        )
        if export is None or export.status_code != 200:
            info["error"] = f"export answered {export and export.status_code}"
            return
        lines = export.content.decode("utf-8-sig").splitlines()
        import csv

        rows = list(csv.reader(lines))
        header = rows[0]
        quantity = next(
            i for i, name in enumerate(header) if "quantity" in name.lower() or "số lượng" in name.lower()
        )
        for row in rows[1:]:
            row[quantity] = str(int(row[quantity] or 0) + 7)
        info["expected"] = {r[0]: int(r[quantity]) for r in rows[1:]}
        info["header"] = header
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        csrf = client.session.cookies.get("csrftoken")
        upload_path = f"/publisher/events/{self.event}/import/"
        response = client.until_answered(
            "import",
            "POST",
            upload_path,
            self.stop,
            data={"csrfmiddlewaretoken": csrf},
            files={"file": ("stock.csv", out.getvalue().encode("utf-8"), "text/csv")},
            headers={"Referer": self.base + upload_path},
            allow_redirects=False,
        )
        if response is None or response.status_code != 302:
            info["error"] = (
                f"upload answered {response and response.status_code}: {response and response.text[:300]}"
            )
            return
        preview = response.headers["Location"]
        info["preview"] = preview
        # The worker reads the file; the page refreshes itself until the preview is ready, and the
        # publisher presses Confirm only then.
        for _attempt in range(180):
            page = client.call("import", "GET", preview)
            if page is not None and page.status_code == 200 and 'http-equiv="refresh"' not in page.text:
                break
            if self.stop.is_set() and self.record.now() > self.setup["drain_until"]:
                break
            time.sleep(1)
        for _attempt in range(30):
            answer = client.call(
                "import",
                "POST",
                preview,
                data={"csrfmiddlewaretoken": csrf},
                headers={"Referer": self.base + preview},
                allow_redirects=False,
            )
            if answer is not None and answer.status_code not in RETRY_STATUSES:
                info["applied_answers"] += 1
                info["final_status"] = answer.status_code
                # The person presses Confirm once more (a double click): it must change nothing.
                again = client.call(
                    "import",
                    "POST",
                    preview,
                    data={"csrfmiddlewaretoken": csrf},
                    headers={"Referer": self.base + preview},
                    allow_redirects=False,
                )
                info["second_press"] = None if again is None else again.status_code
                return
            time.sleep(1)


def start_actors(fair: Fair, tokens: dict) -> list[threading.Thread]:
    actors = []

    def spawn(target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True, name=target.__name__)
        thread.start()
        actors.append(thread)

    for _ in range(3):
        spawn(fair.browse)
    for worker in range(3):
        spawn(fair.register, worker)
    gates = fair.setup["gates"]
    for index, gate_id in enumerate(gates):
        spawn(fair.gate, gate_id, tokens["gates"][index])
    spawn(fair.walk_ins, gates[0], tokens["gates"][0])
    spawn(fair.offline_gate, gates[-1], tokens["offline"])
    spawn(fair.figures, tokens["organiser"])
    return actors


def encode(record: Record) -> dict:
    """The record as JSON-able data (for the checks and the saved run)."""
    return {
        "registrations": record.registrations,
        "admitted": record.admitted,
        "scans": record.scans,
        "walk_ins": record.walk_ins,
        "offline": record.offline,
        "offline_pending": record.offline_pending,
        "imports": record.imports,
    }
