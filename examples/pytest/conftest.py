"""pytest fixtures for tests of code that calls Close's API, against crm-bulk-emulator.

Copy this file next to your tests. It starts one emulator for the test session, or uses a running one
(CRM_EMULATOR_URL, e.g. a Docker container or a CI service), and gives every test an organization of
its own through the emulator's control API: a fresh copy of the default seed (300 leads, "Qualified",
…) under a new API key, deleted when the test ends. Nothing but the standard library is needed.

Environment:
  CRM_EMULATOR_URL            use this emulator instead of starting one (e.g. http://localhost:4010)
  CRM_EMULATOR_CMD            how to start one (default: "npx --no-install crm-bulk-emulator", the npm
                              package installed in your project); it is given PORT, HOST and TICK_MS
  CRM_EMULATOR_CONTROL_TOKEN  the emulator's CONTROL_TOKEN, if it has one

Fixtures:
  emulator    the session's emulator: .url, .control(method, path, body=None)
  close_org   this test's organization: .api_key, .base_url (Close's /api/v1, for your client),
              .auth (the (key, "") pair requests' auth= takes), .credential
"""
import json
import os
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest


class Emulator:
    def __init__(self, url, control_token=None):
        self.url = url.rstrip("/")
        self.control_token = control_token

    def control(self, method, path, body=None):
        """A control API call (/_mock/…): its JSON answer, or None for a 204. Raises on any other non-2xx."""
        headers = {"content-type": "application/json"} if body is not None else {}
        if self.control_token:
            headers["authorization"] = f"Bearer {self.control_token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_mock{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} /_mock{path} → {error.code} {error.read().decode()}") from None
        return json.loads(raw) if raw else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url):
    try:
        with urllib.request.urlopen(f"{url}/_mock/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def emulator():
    token = os.environ.get("CRM_EMULATOR_CONTROL_TOKEN")
    if os.environ.get("CRM_EMULATOR_URL"):
        yield Emulator(os.environ["CRM_EMULATOR_URL"], token)
        return
    port = _free_port()
    command = shlex.split(os.environ.get("CRM_EMULATOR_CMD", "npx --no-install crm-bulk-emulator"))
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "TICK_MS": os.environ.get("TICK_MS", "100")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not _healthy(url):
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited ({process.returncode}): {process.stderr.read().decode()}")
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the emulator did not answer on {url} within 30 s")
        time.sleep(0.1)
    try:
        yield Emulator(url, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class CloseOrg:
    credential: str
    base_url: str

    @property
    def api_key(self):
        return self.credential

    @property
    def auth(self):
        return (self.credential, "")


@pytest.fixture
def close_org(emulator):
    credential = f"pytest-{uuid.uuid4().hex}"
    emulator.control("POST", "/orgs", {"credential": credential})  # the default seed
    try:
        yield CloseOrg(credential=credential, base_url=f"{emulator.url}/api/v1")
    finally:
        emulator.control("DELETE", f"/orgs/{credential}")
