"""Twilio SMS and voice behind `NotificationChannel`, using the real `twilio` client.

The client has no base-URL option, so `_RewritingHttpClient` rewrites every `*.twilio.com`
URL to `base_url` (DUTYDESK_TWILIO_BASE_URL); pointing it at `http://127.0.0.1:PORT` talks
to a local fake (tests/fakes/fake_twilio.py) or a proxy. The default base URL leaves
requests untouched.

Status callbacks go to `{public_url}/twilio/status`; the voice call's key press goes to
`{public_url}/twilio/voice/gather?key=<idempotency key>`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from escalation.ports import (
    OutboundMessage,
    PermanentDeliveryError,
    SendReceipt,
    TransientDeliveryError,
)

_log = logging.getLogger(__name__)

TWILIO_DEFAULT_BASE_URL = "https://api.twilio.com"
CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]
VOICE_PROMPT_SUFFIX = "。确认请按1，立即升级请按2。"
VOICE_GOODBYE = "未收到按键，再见。"


def voice_twiml(message_text: str, gather_url: str) -> str:
    """TwiML for a paging call: read the message in Mandarin and gather one key.

    1 acknowledges, 2 escalates at once; the key goes to `gather_url` (POST). Without a
    key press within 10 s the call says goodbye. Text and URL are XML-escaped.
    """
    text = message_text.rstrip().rstrip("。.")
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action=gather_url, method="POST", timeout=10)
    gather.say(f"{text}{VOICE_PROMPT_SUFFIX}", language="zh-CN", voice="Polly.Zhiyu")
    response.say(VOICE_GOODBYE, language="zh-CN")
    return str(response.to_xml(xml_declaration=False))


def validate_twilio_signature(
    auth_token: str, url: str, params: Mapping[str, str], signature: str
) -> bool:
    """True when `signature` (X-Twilio-Signature) matches `url` and the POST `params`.

    `url` must be the full URL Twilio requested, query string included.
    """
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def _rewrite_url(url: str, base_url: str) -> str:
    """Replace scheme and host of a `*.twilio.com` URL by those of `base_url`."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host != "twilio.com" and not host.endswith(".twilio.com"):
        return url
    base = urlsplit(base_url)
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


class _RewritingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """TwilioHttpClient that sends `*.twilio.com` requests to `base_url` instead.

    Remembers the `Retry-After` header of the last response per thread, because
    TwilioRestException does not carry the response headers.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__(timeout=timeout, max_retries=0)
        self._base_url = base_url.rstrip("/")
        self._rewrite = self._base_url.lower() != TWILIO_DEFAULT_BASE_URL
        self._local = threading.local()

    def request(  # signature fixed by twilio
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self._local.retry_after = None
        if self._rewrite:
            url = _rewrite_url(url, self._base_url)
        response: Response = super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        self._local.retry_after = _parse_retry_after(response.headers)
        return response

    def last_retry_after(self) -> float | None:
        value: float | None = getattr(self._local, "retry_after", None)
        return value


def _parse_retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except (TypeError, ValueError):
        return None  # HTTP-date form: not used by Twilio; ignore


class TwilioChannel:
    """`NotificationChannel` for Twilio SMS (`kind="sms"`) and voice calls (`kind="voice"`).

    Thread-safe: the underlying `requests` session is shared; one instance can serve the
    dispatcher's workers. The Twilio client never retries by itself here.
    """

    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        base_url: str,
        public_url: str,
        *,
        timeout_s: float = 10,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.from_number = from_number
        self.public_url = public_url.rstrip("/")
        self._http = _RewritingHttpClient(base_url, timeout_s)
        self._client = Client(account_sid, auth_token, http_client=self._http)

    @property
    def status_callback_url(self) -> str:
        return f"{self.public_url}/twilio/status"

    def status_callback_for(self, idempotency_key: str) -> str:
        """The callback URL names the notification, so a status that arrives before our
        commit of the provider id still finds its row."""
        return f"{self.status_callback_url}?key={quote(idempotency_key, safe='')}"

    def gather_url(self, idempotency_key: str) -> str:
        return f"{self.public_url}/twilio/voice/gather?key={quote(idempotency_key, safe='')}"

    def send(self, message: OutboundMessage) -> SendReceipt:
        """Send an SMS or place a call; see `NotificationChannel.send` for the errors."""
        try:
            if message.kind == "sms":
                sms = self._client.messages.create(
                    to=message.to,
                    from_=self.from_number,
                    body=message.body,
                    status_callback=self.status_callback_for(message.idempotency_key),
                )
                return SendReceipt(provider_id=str(sms.sid), status=str(sms.status))
            if message.kind == "voice":
                call = self._client.calls.create(
                    to=message.to,
                    from_=self.from_number,
                    twiml=voice_twiml(message.body, self.gather_url(message.idempotency_key)),
                    status_callback=self.status_callback_for(message.idempotency_key),
                    status_callback_event=CALL_STATUS_EVENTS,
                )
                return SendReceipt(provider_id=str(call.sid), status=str(call.status))
        except (TwilioRestException, TwilioServiceException) as exc:
            raise self._map_twilio_error(exc, message) from exc
        except requests.Timeout as exc:
            raise TransientDeliveryError(
                f"Twilio did not answer in time: {exc}", code="timeout"
            ) from exc
        except requests.RequestException as exc:
            raise TransientDeliveryError(
                f"cannot reach Twilio: {exc}", code="connection_error"
            ) from exc
        raise PermanentDeliveryError(
            f"unsupported message kind {message.kind!r}", code="unsupported_kind"
        )

    def _map_twilio_error(
        self, exc: TwilioRestException | TwilioServiceException, message: OutboundMessage
    ) -> TransientDeliveryError | PermanentDeliveryError:
        status = int(exc.status or 0)
        code = str(exc.code) if exc.code else f"http_{status}"
        text = str(getattr(exc, "msg", None) or getattr(exc, "detail", None) or exc)
        summary = f"Twilio refused {message.kind} to {message.to}: HTTP {status} {code}: {text}"
        if status == 429 or status >= 500:
            retry_after = self._http.last_retry_after()
            _log.warning("transient Twilio error (retry_after=%s): %s", retry_after, summary)
            return TransientDeliveryError(summary, code=code, retry_after=retry_after)
        return PermanentDeliveryError(summary, code=code)
