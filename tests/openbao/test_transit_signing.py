"""Transfers signed by a real OpenBao's Transit engine, and every way that can fail."""

import asyncio
import base64
import os
import subprocess
import sys
import time

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from app.compose import open_desk, openbao_session, scrt_spec, signer_for
from app.core.errors import CredentialError, InputError, Problem
from app.core.journal import Journal
from app.core.routing.outcome import OutcomeStatus
from app.core.routing.request import RouteRequest
from app.core.secrets import SecretName
from app.core.signing import TokenMinter
from app.core.signing.openbao import TransitSigner
from app.core.signing.openbao_check import check_openbao_signing
from app.core.signing.openbao_session import SignOut
from app.messages import Front, outcome_text, sign_in_text, sign_out_text, signing_check_text
from tests.conftest import QUEUE, make_profile, raises, text
from tests.openbao.conftest import (
    KEY_NAME,
    PASSWORD,
    SETUP_SCRIPT,
    USER,
    forget_token,
    openbao_profile,
    stored_token,
)


def desk_for(profile, credentials, tmp_path):
    minter = TokenMinter(signer_for(profile, credentials), scrt_spec(profile))
    return open_desk(profile, minter, Journal(tmp_path / "journal.sqlite3"))


async def sign_in(profile, credentials, user=USER, password=PASSWORD):
    session = openbao_session(profile, credentials)
    try:
        return await session.login_userpass(user, password)
    finally:
        await session.aclose()


async def transfer_once(profile, credentials, tmp_path):
    desk = desk_for(profile, credentials, tmp_path)
    try:
        return await desk.transfer(RouteRequest.build("0LQ5g00000OPENB", QUEUE, target_label="Billing"))
    finally:
        await desk.aclose()


def said(outcome, front=Front.CLI) -> str:
    words = outcome_text(outcome, "Billing", front)
    return f"{words.headline} {words.hint}"


def journaled(tmp_path):
    """The one journal row each transfer leaves, newest first."""
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        return journal.recent(10)
    finally:
        journal.close()


def user_token(bao, user=USER, password=PASSWORD) -> str:
    answer = httpx.post(f"{bao.address}/v1/auth/userpass/login/{user}", json={"password": password}, timeout=10)
    return answer.json()["auth"]["client_token"]


def test_a_route_signed_by_openbao_is_accepted_by_the_simulator(bao_profile, credentials, simulator, run, tmp_path):
    profile = bao_profile()
    status = run(sign_in(profile, credentials))
    assert (status.signed_in, status.who, status.renewable, status.policies) == (True, USER, True, ("transfer-panel",))
    assert 3500 < status.expires_at - time.time() <= 3600  # the role's 1 h, renewable to a 10 h shift
    assert sign_in_text(status).startswith(f"Signed in to OpenBao as {USER}, until ")

    outcome = run(transfer_once(profile, credentials, tmp_path))

    assert outcome.status is OutcomeStatus.ACCEPTED, said(outcome)
    (request,) = simulator.requests
    assert request.status == 200 and request.claims["jti"] == outcome.jti
    assert request.token_header == {"alg": "RS256", "typ": "JWT"}
    assert request.claims["exp"] - request.claims["iat"] <= 180


def test_transit_signs_byte_for_byte_what_the_local_key_would(bao, credentials, rsa_key, run):
    """The wire format (not the brand): RS256 is deterministic, so Transit's pkcs1v15 signature of the
    signing input equals the imported key's own signature."""
    profile = openbao_profile("https://unused.example/telephony/v1", bao)
    signing_input = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"

    async def sign():
        await sign_in(profile, credentials)
        signer = signer_for(profile, credentials)
        try:
            return await signer.sign(signing_input)
        finally:
            await signer.aclose()
            await openbao_session(profile, credentials).logout()

    assert run(sign()) == rsa_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def test_not_signed_in_sends_nothing(bao_profile, credentials, simulator, run, tmp_path):
    profile = bao_profile()
    outcome = run(transfer_once(profile, credentials, tmp_path))
    assert outcome.status is OutcomeStatus.CREDENTIALS and outcome.exit_code == 3
    assert (outcome.cause, outcome.params) == (Problem.OPENBAO_NOT_SIGNED_IN, {"profile": profile.name})
    assert "Not signed in to OpenBao" in said(outcome)
    assert f"credentials login --profile {profile.name}" in said(outcome)
    assert "Sign in…" in said(outcome, Front.WINDOW) and "credentials login" not in said(outcome, Front.WINDOW)
    assert simulator.requests == []
    (row,) = journaled(tmp_path)  # the journal keeps the code: its words are made when shown
    assert row.outcome.cause is Problem.OPENBAO_NOT_SIGNED_IN


def test_a_key_the_policy_does_not_cover_is_a_credentials_error_naming_the_path(
        bao_profile, credentials, simulator, run, tmp_path):
    profile = bao_profile(openbao_key="another-call-center")
    run(sign_in(profile, credentials))
    outcome = run(transfer_once(profile, credentials, tmp_path))
    assert outcome.status is OutcomeStatus.CREDENTIALS and outcome.exit_code == 3
    assert "transit/sign/another-call-center (403 permission denied)" in said(outcome)
    assert simulator.requests == []
    assert run(openbao_session(profile, credentials).status()).signed_in  # the token itself is fine


@pytest.mark.parametrize(("path", "body"), [
    (f"transit/sign/{KEY_NAME}", {"input": "eA==", "hash_algorithm": "sha2-256"}),  # PSS, Transit's default
    (f"transit/sign/{KEY_NAME}", {"input": "eA==", "hash_algorithm": "sha2-256", "signature_algorithm": "pss"}),
    (f"transit/sign/{KEY_NAME}", {"input": "eA==", "hash_algorithm": "sha2-512", "signature_algorithm": "pkcs1v15"}),
    (f"transit/sign/{KEY_NAME}", {"input": base64.b64encode(b"x" * 32).decode(), "prehashed": True,
                                  "hash_algorithm": "sha2-256", "signature_algorithm": "pkcs1v15"}),
    (f"transit/export/signing-key/{KEY_NAME}", None),
    (f"transit/backup/{KEY_NAME}", None),
    (f"transit/keys/{KEY_NAME}/rotate", {}),
    ("transit/wrapping_key", None),
    ("sys/policies/acl/transfer-panel", None),
])
def test_the_policy_allows_rs256_signing_only(bao, path, body):
    token = user_token(bao)
    method = "GET" if body is None else "POST"
    answer = httpx.request(method, f"{bao.address}/v1/{path}", json=body, headers={"X-Vault-Token": token}, timeout=10)
    assert answer.status_code == 403, answer.text
    allowed = httpx.post(f"{bao.address}/v1/transit/sign/{KEY_NAME}", headers={"X-Vault-Token": token}, timeout=10,
                         json={"input": "eA==", "hash_algorithm": "sha2-256", "signature_algorithm": "pkcs1v15"})
    assert allowed.status_code == 200  # the same token, the panel's exact request


def test_a_revoked_token_asks_to_sign_in_again_and_sends_nothing(
        bao, bao_profile, keyring_store, credentials, simulator, run, tmp_path):
    profile = bao_profile()
    run(sign_in(profile, credentials))
    token = stored_token(keyring_store, profile.name)
    # IT revokes the rep's token (a lost laptop) by its accessor, as an admin would.
    accessor = httpx.get(f"{bao.address}/v1/auth/token/lookup-self", headers={"X-Vault-Token": token},
                         timeout=10).json()["data"]["accessor"]
    bao.admin("POST", "auth/token/revoke-accessor", {"accessor": accessor})

    outcome = run(transfer_once(profile, credentials, tmp_path))

    assert outcome.status is OutcomeStatus.CREDENTIALS and outcome.cause is Problem.OPENBAO_SIGN_IN_ENDED
    assert "expired or was revoked" in said(outcome) and "sign in" in said(outcome)
    assert token not in said(outcome) and token not in str(outcome.params)
    assert simulator.requests == []
    assert stored_token(keyring_store, profile.name) is None  # a dead token is not kept


def test_sealed_then_stopped_openbao_means_not_sent(own_bao, simulator, keyring_store, credentials, run, tmp_path):
    profile = openbao_profile(simulator.base_url, own_bao)
    try:
        run(sign_in(profile, credentials))
        own_bao.admin("PUT", "sys/seal")
        sealed = run(transfer_once(profile, credentials, tmp_path))
        own_bao.stop()
        stopped = run(transfer_once(profile, credentials, tmp_path))
    finally:
        forget_token(keyring_store, profile.name)
    assert (sealed.status, sealed.exit_code) == (OutcomeStatus.NOT_SENT, 5)
    assert "is sealed" in said(sealed) and "Nothing was sent" in said(sealed)
    assert (stopped.status, stopped.exit_code) == (OutcomeStatus.NOT_SENT, 5)
    assert "cannot be reached" in said(stopped)
    assert simulator.requests == []
    assert [row.outcome.cause for row in journaled(tmp_path)] == [Problem.OPENBAO_UNREACHABLE, Problem.OPENBAO_SEALED]


def test_a_slow_openbao_counts_against_the_transfers_deadline(bao, keyring_store, credentials, simulator, run,
                                                               tmp_path):
    async def scenario():
        async def hold(reader, writer):  # accepts, reads, never answers
            await asyncio.sleep(30)
            writer.close()

        server = await asyncio.start_server(hold, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        profile = openbao_profile(simulator.base_url, bao, openbao_url=f"http://127.0.0.1:{port}", timeout_s=1.0)
        keyring_store.set_secret(profile.name, SecretName.OPENBAO_TOKEN, "s.some-token")
        try:
            started = time.monotonic()
            outcome = await transfer_once(profile, credentials, tmp_path)
            return outcome, time.monotonic() - started
        finally:
            forget_token(keyring_store, profile.name)
            server.close()

    outcome, took = run(scenario())
    assert outcome.status is OutcomeStatus.NOT_SENT and "could not be reached within 1 s" in said(outcome)
    assert took < 5  # the 1 s deadline, not OpenBao's 10 s request timeout
    assert simulator.requests == []


def test_renewal_keeps_a_short_token_alive_to_its_maximum_then_asks_to_sign_in(bao, keyring_store, credentials, run):
    bao.add_user("shortshift", "pw-shortshift", ["transfer-panel"], ttl="3s", max_ttl="8s")
    profile = openbao_profile("https://unused.example/telephony/v1", bao)
    seen = []

    async def shift():
        session = openbao_session(profile, credentials)
        session.subscribe(seen.append)
        first = await session.login_userpass("shortshift", "pw-shortshift")
        session.start_renewal()
        await asyncio.sleep(4.5)  # past the first 3 s: alive only if renewed
        signature = await session.api.sign(await session.token(), b"x")
        await asyncio.sleep(5.5)  # past the 8 s maximum
        last = session.current
        await session.aclose()
        return first, signature, last

    try:
        first, signature, last = run(shift())
    finally:
        forget_token(keyring_store, profile.name)
    assert first.signed_in and len(signature) == 256
    assert all(status.expires_at is not None for status in seen if status.signed_in)
    renewed = [status for status in seen if status.signed_in and status.expires_at > first.expires_at + 0.5]
    assert renewed, seen
    assert not last.signed_in and last.problem.code is Problem.OPENBAO_SIGN_IN_EXPIRED
    assert sign_in_text(last).startswith("Your OpenBao sign-in has expired: sign in with")
    assert stored_token(keyring_store, profile.name) is None


def test_logout_revokes_the_token_at_openbao(bao_profile, keyring_store, credentials, bao, run):
    profile = bao_profile()
    run(sign_in(profile, credentials))
    token = stored_token(keyring_store, profile.name)
    result = run(openbao_session(profile, credentials).logout())
    assert result.how is SignOut.REVOKED
    assert sign_out_text(result, profile.name) == "Signed out: the OpenBao token is revoked."
    assert httpx.get(f"{bao.address}/v1/auth/token/lookup-self", headers={"X-Vault-Token": token},
                     timeout=10).status_code == 403
    assert stored_token(keyring_store, profile.name) is None
    again = run(openbao_session(profile, credentials).logout())
    assert again.how is SignOut.NOT_SIGNED_IN


def test_a_window_session_revokes_its_token_when_it_closes(bao_profile, credentials, bao, run):
    profile = bao_profile()

    async def window_lifetime():
        signer = signer_for(profile, credentials, end_session_on_close=True)
        assert isinstance(signer, TransitSigner)
        await signer.session.login_userpass(USER, PASSWORD)
        token = await signer.session.token()
        await signer.sign(b"x")
        await signer.aclose()
        return token

    token = run(window_lifetime())
    assert httpx.get(f"{bao.address}/v1/auth/token/lookup-self", headers={"X-Vault-Token": token},
                     timeout=10).status_code == 403


def test_wrong_password_says_so_and_stores_nothing(bao_profile, keyring_store, credentials, run):
    profile = bao_profile()
    with raises(CredentialError, match="refused the sign-in") as raised:
        run(sign_in(profile, credentials, password="wrong"))
    assert "wrong" not in text(raised.value) and "wrong" not in str(raised.value)
    assert stored_token(keyring_store, profile.name) is None


def test_a_keyring_profile_has_no_openbao_sign_in(credentials):
    with raises(InputError, match="signs with a key in the keyring"):
        openbao_session(make_profile("https://unused.example/telephony/v1"), credentials)


def test_token_and_approle_sign_in_for_kiosks_and_scripts(bao, bao_profile, credentials, run):
    bao.admin("POST", "sys/auth/approle", {"type": "approle"})
    bao.admin("POST", "auth/approle/role/kiosk", {"token_policies": ["transfer-panel"],
                                                  "token_no_default_policy": True, "token_ttl": "1h"})
    role_id = bao.admin("GET", "auth/approle/role/kiosk/role-id")["data"]["role_id"]
    secret_id = bao.admin("POST", "auth/approle/role/kiosk/secret-id")["data"]["secret_id"]
    kiosk = bao_profile(openbao_auth="approle", openbao_role=role_id)
    script = bao_profile(openbao_auth="token")

    async def both():
        approle = openbao_session(kiosk, credentials)
        by_token = openbao_session(script, credentials)
        try:
            return (await approle.login_approle(secret_id), await by_token.login_token(user_token(bao)))
        finally:
            await approle.aclose()
            await by_token.aclose()

    kiosk_status, script_status = run(both())
    assert kiosk_status.signed_in and kiosk_status.policies == ("transfer-panel",)
    assert script_status.signed_in and script_status.who == USER
    for profile in (kiosk, script):
        check = run(check_openbao_signing(openbao_session(profile, credentials), scrt_spec(profile)))
        assert check.key_bits == 2048


def test_self_test_check_passes_signed_in_and_says_why_not_otherwise(bao_profile, credentials, run):
    profile = bao_profile()
    with raises(CredentialError, match="Not signed in to OpenBao"):
        run(check_openbao_signing(openbao_session(profile, credentials), scrt_spec(profile)))
    run(sign_in(profile, credentials))
    line = signing_check_text(run(check_openbao_signing(openbao_session(profile, credentials), scrt_spec(profile))))
    assert line.startswith(f"Signed in to OpenBao as {USER}, until ")
    assert f"transit/sign/{KEY_NAME} signed a test token that verifies against OpenBao's RSA-2048 public key" in line


def test_the_setup_script_can_create_the_key_inside_and_certify_it(bao, tmp_path):
    """IT's script, second mode: a key made inside OpenBao, with a CSR and a certificate Transit signed."""
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(SETUP_SCRIPT), "--key-name", "made-inside", "--create", "rsa-4096",
                             "--policy-name", "made-inside", "--out-dir", str(out)],
                            env={**os.environ, "BAO_ADDR": bao.address, "BAO_TOKEN": bao.root_token},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    certificate = x509.load_pem_x509_certificate((out / "made-inside.crt").read_bytes())
    csr = x509.load_pem_x509_csr((out / "made-inside.csr").read_bytes())
    public_pem = bao.admin("GET", "transit/keys/made-inside")["data"]["keys"]["1"]["public_key"]
    certificate.verify_directly_issued_by(certificate)  # signed by Transit with the key made inside
    assert csr.is_signature_valid
    for public_key in (certificate.public_key(), csr.public_key()):
        assert public_key.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode() == public_pem
    assert bao.admin("GET", "transit/keys/made-inside")["data"]["exportable"] is False
