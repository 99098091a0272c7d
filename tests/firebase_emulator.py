"""The Firebase Auth emulator (firebase-tools, pinned in tools/firebase) as a test fixture.

It stands in for Firebase Authentication (identitytoolkit.googleapis.com / securetoken): the app
and relatives abroad sign in with Firebase and send us the ID token, which the emulator mints
here for real through the same REST API the client SDKs call.

Everything runs offline: a demo- project needs no credentials, update checks and usage reporting
are off, and the CLI's config store and hub locator live in a temp dir of their own so parallel
runs (and the developer's own `firebase login`) do not see each other.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "firebase"
FIREBASE_BIN = TOOLS / "node_modules" / ".bin" / "firebase"
PROJECT_ID = "demo-linli"
API_KEY = "demo-api-key"  # the emulator accepts any key
START_TIMEOUT_S = 60.0  # ~8 s on a 2-core box, nearly all of it ajv compiling the auth API spec


def _free_ports(count: int) -> list[int]:
    """Ports nobody listens on; all held open at once so the kernel hands out distinct ones."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]


class AuthEmulator:
    def __init__(self, project_id: str = PROJECT_ID) -> None:
        self.project_id = project_id
        self.port = 0
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen | None = None
        self._workdir: Path | None = None
        self._log = None
        self._started = 0.0
        self._http: httpx.Client | None = None

    @property
    def host(self) -> str:
        """What FIREBASE_AUTH_EMULATOR_HOST must be set to."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def start(self) -> "AuthEmulator":
        """Launch and wait until it answers."""
        return self.launch().wait_ready()

    def launch(self) -> "AuthEmulator":
        """Launch without waiting, so its start-up can overlap other set-up; then wait_ready()."""
        if not FIREBASE_BIN.exists():
            raise RuntimeError(f"{FIREBASE_BIN} is missing: run `npm ci --prefix {TOOLS.relative_to(ROOT)}`")
        self._workdir = Path(tempfile.mkdtemp(prefix="linli-firebase-"))
        self.port, hub_port, logging_port = _free_ports(3)
        # trust_env=False: a proxy from the environment must not sit between us and 127.0.0.1.
        self._http = httpx.Client(base_url=self.base_url, timeout=10.0, trust_env=False)
        # The checked-in firebase.json with this run's ports: hub and logging get free ports too,
        # or a second run (or a developer's emulator) on the defaults 4400/4500 would collide.
        config = json.loads((TOOLS / "firebase.json").read_text())
        emulators = config["emulators"]
        emulators["auth"]["port"] = self.port
        emulators["hub"]["port"] = hub_port
        emulators["logging"]["port"] = logging_port
        config_path = self._workdir / "firebase.json"
        config_path.write_text(json.dumps(config))

        env = {
            **os.environ,
            "NO_UPDATE_NOTIFIER": "1",  # update-notifier-cjs would spawn an npm registry check
            "CI": "true",  # no prompts, no spinners, no update check either
            "XDG_CONFIG_HOME": str(self._workdir / "config"),  # no login tokens, no usage consent
            "TMPDIR": str(self._workdir),  # the hub locator file is per project id in the temp dir
        }
        env.pop("FIREBASE_AUTH_EMULATOR_HOST", None)
        self._log = open(self._workdir / "emulator.log", "wb")  # noqa: SIM115 - closed in stop()
        self._started = time.monotonic()
        self._proc = subprocess.Popen(
            [
                str(FIREBASE_BIN),
                "emulators:start",
                "--only",
                "auth",
                "--project",
                self.project_id,
                "--config",
                str(config_path),
                "--non-interactive",
            ],
            cwd=self._workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() can take all its children
        )
        return self

    def wait_ready(self) -> "AuthEmulator":
        if self.startup_seconds is None:
            try:
                self._poll_until_ready(self._started + START_TIMEOUT_S)
            except BaseException:
                self.stop()
                raise
            self.startup_seconds = time.monotonic() - self._started
        return self

    def _poll_until_ready(self, deadline: float) -> None:
        while True:
            if self._proc is None:
                raise RuntimeError("the auth emulator was not launched")
            if self._proc.poll() is not None:
                raise RuntimeError(f"the auth emulator exited with {self._proc.returncode}:\n{self.log()}")
            try:
                response = self._http.get("/", timeout=1.0)
                if response.status_code == 200 and response.json().get("authEmulator", {}).get("ready"):
                    return
            except (httpx.TransportError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the auth emulator did not answer on {self.host}:\n{self.log()}")
            time.sleep(0.1)

    def log(self) -> str:
        if self._workdir is None or not (self._workdir / "emulator.log").exists():
            return ""
        return (self._workdir / "emulator.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            # SIGTERM twice would skip the clean shutdown; once, then SIGKILL the group if it lingers.
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):  # anything left in its group (children)
                os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc = None
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # --- the client side: what the Firebase client SDKs do over REST ---

    def _post(self, method: str, body: dict) -> dict:
        response = self._http.post(
            f"/identitytoolkit.googleapis.com/v1/accounts:{method}", params={"key": API_KEY}, json=body
        )
        response.raise_for_status()
        return response.json()

    def sign_up(self, email: str, password: str) -> str:
        """A new email/password user; returns the ID token the emulator minted for them."""
        return self._post("signUp", {"email": email, "password": password, "returnSecureToken": True})["idToken"]

    def sign_in(self, email: str, password: str) -> str:
        return self._post("signInWithPassword", {"email": email, "password": password, "returnSecureToken": True})[
            "idToken"
        ]

    def uid_of(self, email: str) -> str:
        """The user's id as the emulator's admin API (what firebase-admin's get_user calls) sees it."""
        response = self._http.post(
            f"/identitytoolkit.googleapis.com/v1/projects/{self.project_id}/accounts:lookup",
            headers={"authorization": "Bearer owner"},  # the emulator's stand-in for an admin credential
            json={"email": [email]},
        )
        response.raise_for_status()
        return response.json()["users"][0]["localId"]

    def sign_in_with_phone(self, phone_number: str) -> str:
        """Phone sign-in as the SDK does it: send a code, read it back from the emulator, verify it."""
        session = self._post("sendVerificationCode", {"phoneNumber": phone_number, "recaptchaToken": "ignored"})[
            "sessionInfo"
        ]
        codes = self._http.get(f"/emulator/v1/projects/{self.project_id}/verificationCodes")
        codes.raise_for_status()
        code = next(c["code"] for c in reversed(codes.json()["verificationCodes"]) if c["sessionInfo"] == session)
        return self._post("signInWithPhoneNumber", {"sessionInfo": session, "code": code})["idToken"]
