"""OIDC sign-in as `bao login -method=oidc` does it: OpenBao's auth_url, the browser at the identity
provider (a local stand-in), the loopback callback, OpenBao's callback; then a signature."""

import os
import socket
import subprocess
import sys
import threading

import httpx
import pytest

from app.compose import openbao_session, signer_for
from app.core.errors import CredentialError
from app.messages import oidc_page
from tests.conftest import raises
from tests.openbao.conftest import SETUP_SCRIPT, forget_token, openbao_profile
from tests.openbao.oidc_provider import OidcProvider


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def browser(visited: list[str]):
    """The system browser: follows the identity provider's redirect back to the panel, in the background
    (a real browser returns from webbrowser.open at once)."""

    def open_(url: str) -> bool:
        visited.append(url)
        threading.Thread(target=lambda: visited.append(httpx.get(url, follow_redirects=True, timeout=20).text),
                         daemon=True).start()
        return True

    return open_


@pytest.fixture
def oidc(bao, tmp_path):
    port = free_port()
    with OidcProvider("transfer-panel", "oidc-client-secret", "alice@example.com") as provider:
        done = subprocess.run(
            [sys.executable, str(SETUP_SCRIPT), "--key-name", "scrt-test", "--import-key", "/nonexistent",
             "--oidc-discovery-url", provider.issuer, "--oidc-client-id", provider.client_id,
             "--oidc-client-secret-env", "TEST_OIDC_SECRET", "--oidc-role", "reps", "--oidc-callback-port", str(port),
             "--out-dir", str(tmp_path)],
            env={**os.environ, "BAO_ADDR": bao.address, "BAO_TOKEN": bao.root_token,
                 "TEST_OIDC_SECRET": provider.client_secret}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout
        yield provider, port


def test_oidc_sign_in_through_the_browser_then_sign(bao, oidc, keyring_store, credentials, run):
    provider, port = oidc
    profile = openbao_profile("https://unused.example/telephony/v1", bao, openbao_auth="oidc", openbao_role="reps")
    visited: list[str] = []

    async def sign_in_and_sign():
        session = openbao_session(profile, credentials)
        try:
            status = await session.login_oidc(browser(visited), page=oidc_page, port=port, wait_s=20)
        finally:
            await session.aclose()
        signer = signer_for(profile, credentials)
        try:
            return status, await signer.sign(b"header.claims")
        finally:
            await signer.aclose()

    try:
        status, signature = run(sign_in_and_sign())
    finally:
        forget_token(keyring_store, profile.name)
    assert status.signed_in and status.policies == ("transfer-panel",) and "alice@example.com" in status.who
    assert len(signature) == 256 and provider.token_requests == 1
    assert visited[0].startswith(f"{provider.issuer}/authorize?")
    assert "Signed in. You can close this tab" in visited[1]  # what the rep's browser shows


def test_an_unknown_role_is_a_configuration_error_and_opens_no_browser(bao, oidc, credentials, run):
    profile = openbao_profile("https://unused.example/telephony/v1", bao, openbao_auth="oidc",
                              openbao_role="no-such-role")
    visited: list[str] = []

    async def sign_in():
        session = openbao_session(profile, credentials)
        try:
            await session.login_oidc(browser(visited), page=oidc_page, port=free_port(), wait_s=5)
        finally:
            await session.aclose()

    with raises(CredentialError, match=r"auth/oidc/oidc/auth_url \(400: .*no-such-role"):
        run(sign_in())
    assert visited == []
