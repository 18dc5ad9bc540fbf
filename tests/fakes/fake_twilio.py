"""A fake Twilio REST API: a real HTTP server on 127.0.0.1 that the real `twilio` client
talks to (point `TwilioChannel`'s `base_url` / DUTYDESK_TWILIO_BASE_URL at `fake.base_url`).

Modelled on goalert's devtools/mocktwilio. It

- accepts `POST /2010-04-01/Accounts/{sid}/Messages.json` and `.../Calls.json` (form
  encoded, HTTP basic auth with the configured sid/token, else 401) and answers 201 with
  Twilio-shaped JSON; `GET .../Messages/{sid}.json` and `.../Calls/{sid}.json` work too;
- records every request (thread-safe) with its arrival time (`time.monotonic()`);
- sends signed status callbacks (X-Twilio-Signature computed with the auth token, as
  Twilio does) when the test says so (`deliver`, `fail`, `ring`, `answer`,
  `complete_call`) or at once with `auto_callbacks=True`;
- simulates people: `reply_sms` (inbound SMS webhook) and `press_key` (the `<Gather>`
  action of the call's TwiML);
- fails on request: `fail_next`, `timeout_next`, `invalid_number`.

Explicit callback methods post synchronously from the calling thread and return what the
receiver answered; auto callbacks post from one background worker thread, in order.
The server stops by itself after `max_lifetime_s` in case a test forgets to stop it.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from queue import Empty, Queue
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import httpx
from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"
MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the fake received (REST API only, not callbacks it made)."""

    method: str
    path: str
    form: dict[str, list[str]]
    authorized: bool
    received_at: float  # time.monotonic()
    received_wall: datetime
    status: int = 0  # HTTP status the fake answered (0 while still being handled)

    def value(self, name: str) -> str | None:
        """First value of form field `name` (e.g. "To", "Body", "Twiml")."""
        values = self.form.get(name)
        return values[0] if values else None

    @property
    def kind(self) -> Literal["sms", "voice", "other"]:
        if self.path.endswith("/Messages.json"):
            return "sms"
        if self.path.endswith("/Calls.json"):
            return "voice"
        return "other"


@dataclass(frozen=True)
class RecordedCallback:
    """One webhook the fake posted (status callback, inbound SMS or Gather)."""

    url: str
    params: dict[str, str]
    signature: str
    sent_at: float  # time.monotonic()
    status_code: int | None  # None when the receiver could not be reached
    error: str | None = None
    response_text: str = ""


@dataclass
class FakeResource:
    """A message or call the fake accepted."""

    sid: str
    kind: Literal["sms", "voice"]
    to: str
    from_: str
    body: str | None
    twiml: str | None
    status_callback: str | None
    status_callback_events: list[str]
    status: str
    created_at: datetime
    statuses_sent: list[str] = field(default_factory=list)

    def gather_action(self) -> tuple[str, str]:
        """(action URL, method) of the first `<Gather>` in the call's TwiML."""
        if not self.twiml:
            raise LookupError(f"{self.sid} has no TwiML")
        root = ET.fromstring(self.twiml)
        gather = root if root.tag == "Gather" else root.find(".//Gather")
        if gather is None or not gather.get("action"):
            raise LookupError(f"{self.sid}: TwiML has no <Gather action=...>")
        return str(gather.get("action")), (gather.get("method") or "POST").upper()


@dataclass
class _Failure:
    status: int
    remaining: int
    retry_after: float | None
    to: str | None = None


@dataclass
class _Hold:
    seconds: float
    remaining: int


class FakeTwilio:
    """Fake Twilio server. Use as a context manager or call `start()` / `stop()`.

    `auto_callbacks=True` posts the happy path (SMS: sent, delivered; call: initiated,
    ringing, in-progress, completed) right after each accepted request.
    `sms_webhook_url` is where `reply_sms` posts inbound messages.
    """

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        *,
        auto_callbacks: bool = False,
        sms_webhook_url: str | None = None,
        callback_timeout_s: float = 2.0,
        max_lifetime_s: float = 120.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.auto_callbacks = auto_callbacks
        self.sms_webhook_url = sms_webhook_url
        self.callback_timeout_s = callback_timeout_s
        self.max_lifetime_s = max_lifetime_s
        self._validator = RequestValidator(auth_token)
        self._lock = threading.RLock()
        self._stop_lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._callbacks: list[RecordedCallback] = []
        self._resources: dict[str, FakeResource] = {}
        self._failures: list[_Failure] = []
        self._holds: list[_Hold] = []
        self._invalid: set[str] = set()
        self._seq = count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self._queue: Queue[FakeResource | None] = Queue()
        self._stopping = threading.Event()
        self._lifetime: threading.Timer | None = None
        self._http: httpx.Client | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeTwilio:
        if self._server is not None:
            raise RuntimeError("FakeTwilio already started")
        self._stopping.clear()
        self._http = httpx.Client(timeout=self.callback_timeout_s)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-twilio",
        )
        self._thread.start()
        self._worker = threading.Thread(
            target=self._callback_worker, daemon=True, name="fake-twilio-callbacks"
        )
        self._worker.start()
        self._lifetime = threading.Timer(self.max_lifetime_s, self.stop)
        self._lifetime.daemon = True
        self._lifetime.start()
        return self

    def stop(self) -> None:
        """Stop serving, release held responses, end the worker. Idempotent."""
        self._stopping.set()
        with self._stop_lock:
            server = self._server
            if self._lifetime is not None and self._lifetime is not threading.current_thread():
                self._lifetime.cancel()
            if server is not None:
                server.shutdown()
                server.server_close()
            self._server = None
        self._queue.put(None)
        for thread in (self._thread, self._worker):
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=2)
        self._thread = self._worker = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """False once stopped (by `stop()` or after `max_lifetime_s`)."""
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTwilio is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`: give this to TwilioChannel as `base_url`."""
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ inspection

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request received so far (a copy), oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def callbacks(self) -> list[RecordedCallback]:
        """Every webhook the fake posted so far (a copy), oldest first."""
        with self._lock:
            return list(self._callbacks)

    def messages(self, to: str | None = None) -> list[FakeResource]:
        """Accepted SMS, optionally only those to `to`."""
        return self._list("sms", to)

    def calls(self, to: str | None = None) -> list[FakeResource]:
        """Accepted calls, optionally only those to `to`."""
        return self._list("voice", to)

    def resource(self, sid: str) -> FakeResource:
        with self._lock:
            try:
                return self._resources[sid]
            except KeyError:
                raise LookupError(f"no message or call {sid}") from None

    def wait_for(
        self, predicate: Callable[[], object], *, timeout: float = 2.0, interval: float = 0.01
    ) -> bool:
        """Poll `predicate()` until it is truthy or `timeout` passes; return the outcome."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def _list(self, kind: str, to: str | None) -> list[FakeResource]:
        with self._lock:
            return [
                r for r in self._resources.values() if r.kind == kind and (to is None or r.to == to)
            ]

    # ------------------------------------------------------------------ failures

    def fail_next(
        self,
        status: int = 500,
        count: int = 1,
        retry_after: float | None = None,
        *,
        to: str | None = None,
    ) -> None:
        """Answer the next `count` create requests (only those to `to`, when given) with
        `status` (e.g. 500, 503, 429), with a `Retry-After` header when `retry_after` is
        given. Nothing is created."""
        with self._lock:
            self._failures.append(_Failure(status, count, retry_after, to))

    def timeout_next(self, seconds: float, count: int = 1) -> None:
        """Hold the next `count` create requests for `seconds` before answering.

        The request is then processed normally (the message *is* created), as when Twilio
        accepts a message but the client gave up waiting. `stop()` releases holds early.
        """
        with self._lock:
            self._holds.append(_Hold(seconds, count))

    def invalid_number(self, number: str) -> None:
        """Refuse every message or call to `number` with 400 / Twilio error 21211."""
        with self._lock:
            self._invalid.add(number)

    def reset_failures(self) -> None:
        with self._lock:
            self._failures.clear()
            self._holds.clear()
            self._invalid.clear()

    # ------------------------------------------------------------------ status callbacks

    def send_status(self, sid: str, status: str, **extra: str) -> RecordedCallback | None:
        """Post one status callback for `sid` with `status` (MessageStatus / CallStatus).

        Returns None when the resource has no StatusCallback URL, or, for calls, when the
        status's event was not subscribed (StatusCallbackEvent) – as Twilio would.
        """
        res = self.resource(sid)
        with self._lock:
            res.status = status
            res.statuses_sent.append(status)
        if not res.status_callback:
            return None
        if res.kind == "sms":
            params = {
                "MessageSid": res.sid,
                "SmsSid": res.sid,
                "AccountSid": self.account_sid,
                "From": res.from_,
                "To": res.to,
                "MessageStatus": status,
                "SmsStatus": status,
                "ApiVersion": API_VERSION,
            }
        else:
            event = {"in-progress": "answered", "queued": "initiated"}.get(status, status)
            if status in {"busy", "no-answer", "failed", "canceled"}:
                event = "completed"
            if event not in res.status_callback_events:
                return None
            params = {
                "CallSid": res.sid,
                "AccountSid": self.account_sid,
                "From": res.from_,
                "To": res.to,
                "Called": res.to,
                "Caller": res.from_,
                "CallStatus": status,
                "Direction": "outbound-api",
                "ApiVersion": API_VERSION,
                "CallbackSource": "call-progress-events",
                "SequenceNumber": str(len(res.statuses_sent) - 1),
                "Timestamp": format_datetime(datetime.now(UTC), usegmt=True),
            }
        params.update(extra)
        return self.post_signed(res.status_callback, params)

    def deliver(self, sid: str) -> list[RecordedCallback]:
        """SMS: post `sent` (unless already sent) then `delivered`."""
        return self._sms_outcome(sid, "delivered", {})

    def fail(
        self,
        sid: str,
        error_code: int = 30003,
        status: Literal["failed", "undelivered"] = "undelivered",
    ) -> list[RecordedCallback]:
        """SMS: post `sent` (unless already sent) then `status` with ErrorCode."""
        return self._sms_outcome(sid, status, {"ErrorCode": str(error_code)})

    def ring(self, sid: str) -> list[RecordedCallback]:
        """Call: post `initiated` and `ringing` (those not yet posted)."""
        return self._call_progress(sid, ["initiated", "ringing"])

    def answer(self, sid: str) -> list[RecordedCallback]:
        """Call: post what is missing of initiated, ringing, then `in-progress` (answered)."""
        return self._call_progress(sid, ["initiated", "ringing", "in-progress"])

    def complete_call(
        self,
        sid: str,
        answered: bool = True,
        outcome: Literal["no-answer", "busy", "failed"] = "no-answer",
        duration_s: int = 20,
    ) -> list[RecordedCallback]:
        """Call: finish it. Answered: ... in-progress, `completed` (CallDuration).
        Not answered: ... `outcome` (ringing is skipped for busy and failed)."""
        if answered:
            out = self._call_progress(sid, ["initiated", "ringing", "in-progress"])
            cb = self.send_status(sid, "completed", CallDuration=str(duration_s))
        else:
            steps = ["initiated", "ringing"] if outcome == "no-answer" else ["initiated"]
            out = self._call_progress(sid, steps)
            cb = self.send_status(sid, outcome, CallDuration="0")
        return out + ([cb] if cb else [])

    def _sms_outcome(self, sid: str, final: str, extra: dict[str, str]) -> list[RecordedCallback]:
        out: list[RecordedCallback] = []
        if "sent" not in self.resource(sid).statuses_sent:
            cb = self.send_status(sid, "sent")
            out += [cb] if cb else []
        cb = self.send_status(sid, final, **extra)
        return out + ([cb] if cb else [])

    def _call_progress(self, sid: str, steps: list[str]) -> list[RecordedCallback]:
        out: list[RecordedCallback] = []
        for step in steps:
            if step not in self.resource(sid).statuses_sent:
                cb = self.send_status(sid, step)
                out += [cb] if cb else []
        return out

    # ------------------------------------------------------------------ people

    def reply_sms(self, from_number: str, body: str, to: str | None = None) -> RecordedCallback:
        """A person texts `body` from `from_number` to our number (`to`; default: the From
        of the last SMS sent to `from_number`). Posted to `sms_webhook_url`."""
        if not self.sms_webhook_url:
            raise RuntimeError("set FakeTwilio.sms_webhook_url before reply_sms()")
        if to is None:
            sent = self.messages(to=from_number)
            if not sent:
                raise LookupError(f"no SMS was sent to {from_number}; pass to=")
            to = sent[-1].from_
        sid = self._new_sid("SM")
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "SmsMessageSid": sid,
            "AccountSid": self.account_sid,
            "From": from_number,
            "To": to,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": API_VERSION,
        }
        return self.post_signed(self.sms_webhook_url, params)

    def press_key(self, call_sid: str, digits: str) -> RecordedCallback:
        """The callee presses `digits`: post the Gather callback to the `<Gather action>`
        of the call's TwiML. As on Twilio, for an outbound call `From` is our number and
        `To` is the callee. Marks the call in-progress (no status callback is sent)."""
        res = self.resource(call_sid)
        action, method = res.gather_action()
        if method != "POST":
            raise NotImplementedError("only POST Gather actions are simulated")
        with self._lock:
            res.status = "in-progress"
        params = {
            "CallSid": res.sid,
            "AccountSid": self.account_sid,
            "From": res.from_,
            "To": res.to,
            "Caller": res.from_,
            "Called": res.to,
            "Digits": digits,
            "FinishedOnKey": "",
            "CallStatus": "in-progress",
            "Direction": "outbound-api",
            "ApiVersion": API_VERSION,
        }
        return self.post_signed(action, params)

    # ------------------------------------------------------------------ posting

    def sign(self, url: str, params: Mapping[str, str]) -> str:
        """X-Twilio-Signature for a POST of `params` to `url` (HMAC-SHA1, base64)."""
        return str(self._validator.compute_signature(url, dict(params)))

    def post_signed(self, url: str, params: Mapping[str, str]) -> RecordedCallback:
        """POST `params` form-encoded to `url`, signed; record and return the outcome."""
        signature = self.sign(url, params)
        sent_at = time.monotonic()
        client = self._http or httpx.Client(timeout=self.callback_timeout_s)
        try:
            response = client.post(
                url,
                data=dict(params),
                headers={"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"},
            )
            cb = RecordedCallback(
                url,
                dict(params),
                signature,
                sent_at,
                response.status_code,
                response_text=response.text[:2000],
            )
        except httpx.HTTPError as exc:
            cb = RecordedCallback(url, dict(params), signature, sent_at, None, error=repr(exc))
        finally:
            if client is not self._http:
                client.close()
        with self._lock:
            self._callbacks.append(cb)
        return cb

    def _callback_worker(self) -> None:
        while True:
            try:
                res = self._queue.get(timeout=0.5)
            except Empty:
                if self._stopping.is_set():
                    return
                continue
            if res is None or self._stopping.is_set():
                return
            try:
                if res.kind == "sms":
                    self.deliver(res.sid)
                else:
                    self.complete_call(res.sid, answered=True)
            except Exception:  # a fake must not die on a bad receiver
                continue

    # ------------------------------------------------------------------ REST handling

    def _new_sid(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq):032x}"

    def _handle(
        self, method: str, path: str, form: dict[str, list[str]], auth: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Returns (status, JSON body, extra headers). Runs on a server thread."""
        authorized = auth == self._basic_auth()
        record = RecordedRequest(
            method, path, form, authorized, time.monotonic(), datetime.now(UTC)
        )
        with self._lock:
            self._requests.append(record)
            index = len(self._requests) - 1
        status, body, headers = self._respond(method, path, form, authorized)
        with self._lock:
            self._requests[index] = RecordedRequest(
                record.method,
                record.path,
                record.form,
                record.authorized,
                record.received_at,
                record.received_wall,
                status,
            )
        return status, body, headers

    def _respond(
        self, method: str, path: str, form: dict[str, list[str]], authorized: bool
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        prefix = f"/{API_VERSION}/Accounts/"
        if not path.startswith(prefix):
            return _error(404, 20404, f"The requested resource {path} was not found")
        if not authorized:
            return _error(401, 20003, "Authenticate")
        rest = path[len(prefix) :]
        sid, _, tail = rest.partition("/")
        if sid != self.account_sid:
            return _error(404, 20404, f"The requested resource {path} was not found")
        if method == "GET" and tail.endswith(".json") and "/" in tail:
            collection, _, item = tail.partition("/")
            res = self._resources.get(item.removesuffix(".json"))
            if res is None or collection not in {"Messages", "Calls"}:
                return _error(404, 20404, f"The requested resource {path} was not found")
            return 200, self._payload(res), {}
        if method != "POST" or tail not in {"Messages.json", "Calls.json"}:
            return _error(405 if method != "POST" else 404, 20004, "Method not allowed")

        self._maybe_hold()
        to_values = form.get("To")
        failure = self._take_failure(to_values[0] if to_values else None)
        if failure is not None:
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = f"{failure.retry_after:g}"
            text = "Too Many Requests" if failure.status == 429 else "Internal Server Error"
            code = 20429 if failure.status == 429 else 20500
            status, body, _ = _error(failure.status, code, text)
            return status, body, headers

        def first(name: str) -> str | None:
            values = form.get(name)
            return values[0] if values else None

        to, from_ = first("To"), first("From")
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not from_:
            return _error(400, 21603, "A 'From' phone number is required.")
        with self._lock:
            invalid = to in self._invalid
        if invalid:
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        kind: Literal["sms", "voice"] = "sms" if tail == "Messages.json" else "voice"
        if kind == "sms" and not first("Body"):
            return _error(400, 21602, "Message body is required.")
        if kind == "voice" and not (first("Twiml") or first("Url")):
            return _error(400, 21205, "Either 'Url' or 'Twiml' is required.")
        res = FakeResource(
            sid=self._new_sid("SM" if kind == "sms" else "CA"),
            kind=kind,
            to=to,
            from_=from_,
            body=first("Body"),
            twiml=first("Twiml"),
            status_callback=first("StatusCallback"),
            status_callback_events=form.get("StatusCallbackEvent") or ["completed"],
            status="queued",
            created_at=datetime.now(UTC),
        )
        with self._lock:
            self._resources[res.sid] = res
        if self.auto_callbacks:
            self._queue.put(res)
        return 201, self._payload(res), {}

    def _maybe_hold(self) -> None:
        with self._lock:
            hold = self._holds[0] if self._holds else None
            if hold is not None:
                hold.remaining -= 1
                if hold.remaining <= 0:
                    self._holds.pop(0)
        if hold is not None:
            self._stopping.wait(hold.seconds)

    def _take_failure(self, to: str | None) -> _Failure | None:
        with self._lock:
            for index, failure in enumerate(self._failures):
                if failure.to is None or failure.to == to:
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.pop(index)
                    return failure
            return None

    def _basic_auth(self) -> str:
        raw = f"{self.account_sid}:{self.auth_token}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def _payload(self, res: FakeResource) -> dict[str, Any]:
        created = format_datetime(res.created_at, usegmt=True)
        collection = "Messages" if res.kind == "sms" else "Calls"
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/{collection}/{res.sid}.json"
        common: dict[str, Any] = {
            "sid": res.sid,
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "to": res.to,
            "from": res.from_,
            "status": res.status,
            "direction": "outbound-api",
            "date_created": created,
            "date_updated": created,
            "price": None,
            "price_unit": "USD",
            "uri": uri,
        }
        if res.kind == "sms":
            return common | {
                "body": res.body,
                "date_sent": None,
                "error_code": None,
                "error_message": None,
                "messaging_service_sid": None,
                "num_media": "0",
                "num_segments": "1",
                "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            }
        return common | {
            "parent_call_sid": None,
            "phone_number_sid": None,
            "start_time": None,
            "end_time": None,
            "duration": None,
            "answered_by": None,
            "forwarded_from": None,
            "caller_name": None,
            "queue_time": "0",
            "trunk_sid": None,
            "subresource_uris": {},
        }


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = {
        "code": code,
        "message": message,
        "more_info": MORE_INFO.format(code=code),
        "status": status,
    }
    return status, body, {}


def _make_handler(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 5  # idle keep-alive connections end, so no handler thread lingers
        server_version = "FakeTwilio/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002
            return  # keep test output quiet

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            form = parse_qs(raw, keep_blank_values=True)
            for name, values in parse_qs(url.query, keep_blank_values=True).items():
                form.setdefault(name, values)
            status, body, headers = fake._handle(
                method, url.path, form, self.headers.get("Authorization")
            )
            data = json.dumps(body).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                self.close_connection = True  # the client gave up (timeout)

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

    return Handler


@contextmanager
def running_fake_twilio(**kwargs: Any) -> Iterator[FakeTwilio]:
    """`with running_fake_twilio(auto_callbacks=True) as fake: ...`"""
    fake = FakeTwilio(**kwargs)
    with fake:
        yield fake
