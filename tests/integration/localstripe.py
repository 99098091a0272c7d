"""localstripe (a Stripe API emulator from PyPI) standing in for Stripe, and what the tests need around it.

- `localstripe` (session): the emulator on a free port, answering before the first test, stopped at
  the end; its signed webhooks go to an inbox the tests read (`delivery`) and hand to the app.
- `stripe_on_localstripe`: the settings and the Stripe adapter pointed at it, every request the
  stripe library sends recorded as sent (`sent`).

localstripe does not model everything the adapter sends. The recorder keeps the request as the
library sent it (so a test asserts the Connect parameters and the idempotency key there), then
forwards it without the parameters localstripe refuses, and keeps Stripe's idempotency contract,
which localstripe does not implement: a key's first answer is replayed, other parameters under the
same key are refused.

PYTEST_DONT_REWRITE: its test module imports it before pytest loads it as a plugin (it asserts nothing)."""

import contextlib
import json
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
import stripe
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.core.settings import get_settings, use_settings
from backend.payments import port, stripe_gateway
from tests.integration.conftest import eventually
from tests.stubs.server import free_port, serve_in_thread

API_KEY = "sk_test_linli"
PUBLISHABLE_KEY = "pk_test_linli"
WEBHOOK_SECRET = "whsec_linli_localstripe"
CARD = "4242424242424242"  # Stripe's (and localstripe's) test card that succeeds
DECLINED_CARD = "4000000000000341"  # attaches, then its charge is declined

# What localstripe answers "Unexpected …" to: Stripe's Connect parameters, the charge's description
# and the list filter by creation time. Stripped before forwarding, after recording.
UNMODELLED = {
    ("POST", "/v1/payment_intents"): ("transfer_data[destination]", "application_fee_amount", "description"),
    ("POST", "/v1/refunds"): ("refund_application_fee", "reverse_transfer"),
    ("GET", "/v1/payment_intents"): ("created[gte]", "created[lt]"),
    ("GET", "/v1/refunds"): ("created[gte]", "created[lt]"),
}


@dataclass(frozen=True)
class SentRequest:
    """One request as the stripe library sent it."""

    method: str  # POST, GET
    path: str  # /v1/payment_intents
    params: dict[str, str]  # the form body (POST) or query (GET) as encoded: "transfer_data[destination]"
    idempotency_key: str | None


@dataclass(frozen=True)
class Delivery:
    """A webhook as localstripe sent it: the exact bytes and the headers the signature covers."""

    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class LocalStripe:
    def __init__(self) -> None:
        self.base = ""
        self.sent: list[SentRequest] = []
        self.deliveries: list[Delivery] = []  # appended by the inbox's thread
        self._replies: dict[str, tuple[str, tuple]] = {}  # idempotency key -> (body, first answer)
        self._process: subprocess.Popen | None = None
        self._inbox = None

    # ---- running it -------------------------------------------------------------------------------

    def start(self) -> None:
        port_number = free_port()
        self.base = f"http://127.0.0.1:{port_number}"
        self._process = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port_number),
                                          "--from-scratch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:  # until it answers (its Stripe.js route needs no key and changes nothing)
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/js.stripe.com/v3/", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError("localstripe did not start")
            time.sleep(0.05)
        inbox_url, self._inbox = serve_in_thread(Starlette(routes=[Route("/", self._receive, methods=["POST"])]))
        httpx.post(f"{self.base}/_config/webhooks/linli", data={"url": inbox_url + "/", "secret": WEBHOOK_SECRET},
                   timeout=5).raise_for_status()

    def stop(self) -> None:
        if self._inbox is not None:
            self._inbox.should_exit = True
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    async def _receive(self, request: Request) -> Response:
        self.deliveries.append(Delivery(headers={k.lower(): v for k, v in request.headers.items()},
                                        body=await request.body()))
        return Response(status_code=200)

    # ---- what the stripe library sends ---------------------------------------------------------------

    def http_client(self) -> "RecordingClient":
        return RecordingClient(self)

    def requests_to(self, method: str, path: str) -> list[SentRequest]:
        return [r for r in self.sent if r.method == method and r.path == path]

    # ---- what a client and Stripe's webhooks do ----------------------------------------------------

    async def pay_with_card(self, client_secret: str, card: str = CARD) -> dict:
        """What Stripe.js's confirmCardPayment(clientSecret, {payment_method: {card}}) does. localstripe
        confirms only with the secret key and a payment method already on the intent: the test card's
        PaymentMethod is made, put on the intent, then the intent is confirmed. Returns the intent."""
        intent_id = client_secret.split("_secret_")[0]
        async with httpx.AsyncClient(base_url=self.base, auth=(API_KEY, "")) as http:
            method = (await http.post("/v1/payment_methods", data={
                "type": "card", "card[number]": card, "card[exp_month]": "12", "card[exp_year]": "2034",
                "card[cvc]": "123"})).json()
            (await http.post(f"/v1/payment_intents/{intent_id}", data={"payment_method": method["id"]})
             ).raise_for_status()
            await http.post(f"/v1/payment_intents/{intent_id}/confirm")  # a declined card answers 402
            return (await http.get(f"/v1/payment_intents/{intent_id}")).json()

    async def get(self, path: str) -> dict:
        async with httpx.AsyncClient(base_url=self.base, auth=(API_KEY, "")) as http:
            response = await http.get(path)
            response.raise_for_status()
            return response.json()

    async def delivery(self, event_type: str, object_id: str) -> Delivery:
        """The webhook localstripe sends (a second after the change) of `event_type` about `object_id`."""

        async def arrived():
            return next((d for d in self.deliveries
                         if d.event["type"] == event_type and d.event["data"]["object"].get("id") == object_id), None)

        return await eventually(arrived, deadline_s=30)

    @staticmethod
    def signed(event_type: str, data: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None,
               event_id: str | None = None) -> Delivery:
        """An event localstripe never sends (refunds), signed as Stripe signs one, by the stripe
        library's own code: the envelope of a Stripe event around `data`."""
        at = int(time.time()) if at is None else at
        body = json.dumps({"id": event_id or f"evt_{secrets.token_hex(12)}", "object": "event", "type": event_type,
                           "created": at, "livemode": False, "api_version": "2017-08-15",
                           "data": {"object": data}})
        header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=at)
        return Delivery(headers={"stripe-signature": header, "content-type": "application/json"}, body=body.encode())


class RecordingClient(stripe.HTTPXClient):
    """The library's httpx client, recording each request before localstripe sees it (see the module's
    docstring for what it changes on the way)."""

    def __init__(self, emulator: LocalStripe) -> None:
        super().__init__()
        self.emulator = emulator

    async def request_async(self, method, url, headers, post_data=None):
        method = method.upper()
        parts = urlsplit(url)
        encoded = post_data if method == "POST" else parts.query
        params = dict(parse_qsl(encoded or "", keep_blank_values=True))
        key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), None)
        self.emulator.sent.append(SentRequest(method, parts.path, params, key))
        if method == "POST" and key in self.emulator._replies:
            first_body, answer = self.emulator._replies[key]
            if first_body != (encoded or ""):
                error = {"error": {"type": "idempotency_error", "message": "Keys for idempotent requests can only "
                                   "be used with the same parameters they were first used with."}}
                return json.dumps(error).encode(), 400, {"idempotent-replayed": "false"}
            content, status, answer_headers = answer
            return content, status, {**answer_headers, "idempotent-replayed": "true"}
        kept = urlencode([(k, v) for k, v in params.items() if k not in UNMODELLED.get((method, parts.path), ())])
        if method == "POST":
            answer = await super().request_async(method, url, headers, kept)
        else:
            answer = await super().request_async(method, parts._replace(query=kept).geturl(), headers, None)
        if method == "POST" and key and 200 <= answer[1] < 300:  # Stripe keeps the answers of requests it ran
            self.emulator._replies[key] = (encoded or "", (answer[0], answer[1], dict(answer[2])))
        return answer


@pytest.fixture(scope="session")
def localstripe():
    emulator = LocalStripe()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def stripe_on_localstripe(localstripe, monkeypatch):
    """Stripe as the gateway of new orders, its adapter talking to localstripe through the recorder."""
    localstripe.sent.clear()
    dev = get_settings()
    use_settings(dev.model_copy(update={"payment_gateway": "STRIPE", "stripe_api_key": API_KEY,
                                        "stripe_publishable_key": PUBLISHABLE_KEY, "stripe_api_base": localstripe.base,
                                        "stripe_webhook_secret": WEBHOOK_SECRET}))
    monkeypatch.setattr(stripe_gateway, "http_client", localstripe.http_client)
    port.reset()
    yield localstripe
    use_settings(dev)
    port.reset()
