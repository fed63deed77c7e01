"""`transfer-panel credentials …`: a profile's keys in the OS keyring (the use cases are
`app.core.credentials`, shared with the Settings window), and the OpenBao sign-in of a profile
that signs through OpenBao (`login`, `logout`; the use cases are `OpenBaoSession`'s, shared
with the window's sign-in row)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.cli import output
from app.cli.common import config_of
from app.core.credentials import Certificate, CredentialsDesk, KeyInfo, is_encrypted, read_key_file
from app.core.errors import CredentialError, InputError, Problem
from app.core.profile import OpenBaoAuth


def _read_pem(args: argparse.Namespace) -> bytes:
    if args.key_file:
        return read_key_file(args.key_file)
    if sys.stdin.isatty():
        print("Paste the PEM private key, then press Ctrl+D:", file=sys.stderr)
    from app.core.credentials import MAX_PEM_BYTES

    return sys.stdin.buffer.read(MAX_PEM_BYTES + 1)


def _passphrase(args: argparse.Namespace, pem: bytes) -> str | None:
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if value is None:
            raise InputError(Problem.ENV_VAR_MISSING, name=args.passphrase_env)
        return value
    if not is_encrypted(pem):
        return None
    try:  # the passphrase is asked on the terminal; stdin may be the key itself
        interactive = os.isatty(sys.stdin.fileno()) or args.key_file is not None
    except (OSError, ValueError):
        interactive = False
    if not interactive or not sys.stderr.isatty():
        raise CredentialError(Problem.PASSPHRASE_NEEDS_TERMINAL)
    import getpass

    return getpass.getpass("Key passphrase: ")


def _stored(info: KeyInfo, profile: str, purpose: str) -> None:
    output.say(f"Stored the {info.bits}-bit RSA key for profile '{profile}' ({purpose}) in {info.backend}.")
    output.say(f"Fingerprint (SHA-256 of the public key): {info.fingerprint}")


def run_set(args: argparse.Namespace) -> int:
    profile = config_of(args).profile(args.profile)
    pem = _read_pem(args)
    info = CredentialsDesk().store_key(profile.name, pem, _passphrase(args, pem), args.purpose)
    _stored(info, profile.name, args.purpose.value)
    return 0


def run_generate(args: argparse.Namespace) -> int:
    profile = config_of(args).profile(args.profile)
    made = CredentialsDesk().generate(profile, args.cert_out, args.bits, args.purpose, replace=args.replace)
    _stored(made.key, profile.name, args.purpose.value)
    if made.replaced:
        output.say("It replaces the key stored before: transfers fail until this certificate is registered on the "
                   "Call Center.")
    _wrote(made.certificate, made.path)
    return 0


def run_export_cert(args: argparse.Namespace) -> int:
    profile = config_of(args).profile(args.profile)
    _wrote(CredentialsDesk().export_certificate(profile, args.cert_out, args.purpose), args.cert_out)
    return 0


def _wrote(certificate: Certificate, path: Path) -> None:
    output.say(f"Wrote the certificate to {path}: upload it on the Call Center (or connected app).")
    output.say(f"Certificate fingerprint (SHA-256): {certificate.fingerprint}")
    output.say(f"Valid until {certificate.not_after:%Y-%m-%d}.")


def run_check(args: argparse.Namespace) -> int:
    profile = config_of(args).profile(args.profile)
    check = CredentialsDesk().check(profile, args.purpose)
    output.say(f"Keyring: {check.key.backend}")
    output.say(f"Key: RSA {check.key.bits}-bit, fingerprint {check.key.fingerprint}")
    output.say("A sample token's claims (the token itself is never shown):")
    for name, value in check.claims.items():
        when = f"  ({datetime.fromtimestamp(value, UTC):%Y-%m-%d %H:%M:%S} UTC)" if name in ("iat", "exp") else ""
        output.say(f"  {name}: {value}{when}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    credentials = CredentialsDesk()
    if credentials.delete(args.profile, args.purpose):
        output.say(f"Deleted the {args.purpose.value} key of profile '{args.profile}' from "
                   f"{credentials.backend_name()}.")
    else:
        output.say(f"No {args.purpose.value} key was stored for profile '{args.profile}'.")
    return 0


def _secret(env_var: str | None, prompt: str) -> str:
    """A secret from $env_var, else typed at a hidden prompt; never an argument (it would show in `ps`)."""
    if env_var:
        if (value := os.environ.get(env_var)) is None:
            raise InputError(Problem.ENV_VAR_MISSING, name=env_var)
        return value
    import getpass

    return getpass.getpass(prompt)


def run_login(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    from app.compose import openbao_session
    from app.core.signing.openbao_session import SignInStatus
    from app.messages import oidc_page, sign_in_text

    profile = config_of(args).profile(args.profile)
    session = openbao_session(profile, CredentialsDesk())

    async def login() -> SignInStatus:
        try:
            match profile.openbao_auth:
                case OpenBaoAuth.OIDC:
                    output.say("Opening your browser to sign in…", sys.stderr)
                    return await session.login_oidc(page=oidc_page, port=args.port)
                case OpenBaoAuth.USERPASS:
                    username = args.username or getpass.getuser()
                    return await session.login_userpass(username, _secret(args.password_env,
                                                                            f"Password for {username}: "))
                case OpenBaoAuth.APPROLE:
                    return await session.login_approle(_secret(args.secret_id_env, "AppRole SecretID: "))
                case OpenBaoAuth.CERT:
                    if not (args.client_cert and args.client_key):
                        raise InputError(Problem.OPENBAO_CERT_FILES_NEEDED)
                    return await session.login_cert(args.client_cert, args.client_key)
                case OpenBaoAuth.TOKEN:
                    return await session.login_token(_secret(args.token_env, "OpenBao token: "))
        finally:
            await session.aclose()

    output.say(f"{sign_in_text(asyncio.run(login()))} (profile '{profile.name}').")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    import asyncio

    from app.compose import openbao_session
    from app.core.signing.openbao_session import SignedOut
    from app.messages import sign_out_text

    profile = config_of(args).profile(args.profile)
    session = openbao_session(profile, CredentialsDesk())

    async def logout() -> SignedOut:
        try:
            return await session.logout()
        finally:
            await session.aclose()

    output.say(sign_out_text(asyncio.run(logout()), profile.name))
    return 0
