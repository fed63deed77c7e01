"""The credentials use cases, for the Settings window and `transfer-panel credentials`: store a key,
make one (with the certificate to register on the Call Center), export its certificate again,
check it, delete it.

Every limit is here (file size, key type and size, passphrase rules), so both front ends refuse
the same things the same way. All of it blocks (the keyring may wait on D-Bus or an unlock
prompt; RSA key generation takes ~0.1-2 s): callers run it off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.x509.oid import NameOID

from app.core.errors import CredentialError, InputError, Problem
from app.core.private_files import write_private_file
from app.core.profile import Profile
from app.core.secrets import PrivateKeySecret, SecretPurpose, SecretStore
from app.core.signing import TokenMinter, TokenSpec
from app.core.signing.keys import ACCEPTED_KEY_SIZES, key_fingerprint, load_private_key
from app.core.signing.rsa_key import RsaKeySigner

MAX_PEM_BYTES = 64 * 1024  # a 4096-bit encrypted PEM is about 3.4 KiB
CERTIFICATE_DAYS = 730


@dataclass(frozen=True, slots=True)
class KeyInfo:
    bits: int
    fingerprint: str  # SHA-256 of the public key
    backend: str  # the keyring that holds it


@dataclass(frozen=True, slots=True)
class KeyCheck:
    key: KeyInfo
    claims: dict[str, Any]  # of a token just signed with it (the token itself is dropped)


@dataclass(frozen=True, slots=True)
class Certificate:
    pem: bytes = field(repr=False)
    fingerprint: str  # SHA-256 of the certificate (what Salesforce's setup pages show)
    not_after: datetime


@dataclass(frozen=True, slots=True)
class NewKeyPair:
    key: KeyInfo
    certificate: Certificate
    path: Path  # where the certificate was written
    replaced: bool  # a key was stored before: it is gone now


def read_key_file(path: Path) -> bytes:
    """A PEM file's bytes, at most `MAX_PEM_BYTES` (a key file is never bigger)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_PEM_BYTES + 1)
    except OSError as error:
        raise InputError(Problem.KEY_FILE_UNREADABLE, path=str(path), reason=error.strerror or type(error).__name__
                         ) from None
    if len(data) > MAX_PEM_BYTES:
        raise CredentialError(Problem.KEY_TOO_BIG, name=path.name, limit_kib=MAX_PEM_BYTES // 1024)
    return data


def is_encrypted(pem: bytes) -> bool:
    """Whether the PEM says its key is protected by a passphrase."""
    return b"ENCRYPTED" in pem


def token_spec(profile: Profile, purpose: SecretPurpose) -> TokenSpec:
    """The claims a profile's key signs: the SCRT route's, or the Salesforce API login's."""
    if purpose is SecretPurpose.SALESFORCE_API:
        return TokenSpec(issuer=profile.salesforce_consumer_key, subject=profile.salesforce_username,
                         audience=profile.salesforce_login_url)
    return TokenSpec(issuer=profile.org_id, subject=profile.call_center)


class CredentialsDesk:
    """The keys of profiles in the OS keyring. `store` is made on first use (it may touch D-Bus)."""

    def __init__(self, store: Callable[[], SecretStore] = SecretStore) -> None:
        self._make_store = store
        self._store: SecretStore | None = None

    @property
    def store(self) -> SecretStore:
        if self._store is None:
            self._store = self._make_store()
        return self._store

    def backend_name(self) -> str:
        return self.store.backend_name()

    def is_stored(self, profile_name: str, purpose: SecretPurpose = SecretPurpose.SCRT) -> bool:
        return self.store.has_private_key(profile_name, purpose)

    def store_key(self, profile_name: str, pem: bytes, passphrase: str | None,
                  purpose: SecretPurpose = SecretPurpose.SCRT) -> KeyInfo:
        """Check a PEM private key (RSA 2048/4096, passphrase right) and keep it in the keyring."""
        if len(pem) > MAX_PEM_BYTES:
            raise CredentialError(Problem.KEY_TOO_BIG, name="key", limit_kib=MAX_PEM_BYTES // 1024)
        key = load_private_key(pem, passphrase)
        text = pem.decode("ascii", errors="replace").strip() + "\n"  # a PEM that loaded is ASCII
        self.store.set_private_key(profile_name, PrivateKeySecret(text, passphrase), purpose)
        return KeyInfo(key.key_size, key_fingerprint(key), self.backend_name())

    def generate(self, profile: Profile, cert_out: Path, bits: int = 2048,
                 purpose: SecretPurpose = SecretPurpose.SCRT, *, replace: bool = False) -> NewKeyPair:
        """A new key pair, kept in the keyring (the private key never touches a file), and its
        self-signed certificate written to `cert_out`, to register on the Call Center (or the
        connected app). A stored key is replaced only when `replace` says so: the old key's
        certificate stops working, and so do transfers until the new one is registered.

        The certificate is written next to `cert_out` first and moved into place once the key is
        stored, so a refusal or a keyring failure leaves both the keyring and `cert_out` as they were."""
        if bits not in ACCEPTED_KEY_SIZES:
            raise InputError(Problem.KEY_BAD_SIZE, bits=bits)
        replaced = self.is_stored(profile.name, purpose)
        if replaced and not replace:
            raise InputError(Problem.KEY_EXISTS, profile=profile.name, purpose=purpose.value,
                             backend=self.backend_name())
        _check_cert_out(cert_out, profile)
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        certificate = certificate_for(key, profile)
        staged = cert_out.with_name(f".{cert_out.name}.new")
        _write(staged, certificate, cert_out)
        try:
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            info = self.store_key(profile.name, pem, None, purpose)
        except BaseException:
            staged.unlink(missing_ok=True)  # the certificate of a key that was not kept
            raise
        try:
            staged.replace(cert_out)
        except OSError as error:
            staged.unlink(missing_ok=True)
            raise CredentialError(Problem.CERT_NOT_SAVED_KEY_KEPT, backend=info.backend, path=str(cert_out),
                                  reason=_reason(error), profile=profile.name) from None
        return NewKeyPair(info, certificate, cert_out, replaced)

    def export_certificate(self, profile: Profile, cert_out: Path,
                           purpose: SecretPurpose = SecretPurpose.SCRT) -> Certificate:
        """A new self-signed certificate for the stored key, written to `cert_out` (e.g. the first
        one was lost, or is about to expire)."""
        _check_cert_out(cert_out, profile)
        certificate = certificate_for(self._load(profile.name, purpose), profile)
        _write(cert_out, certificate, cert_out)
        return certificate

    def check(self, profile: Profile, purpose: SecretPurpose = SecretPurpose.SCRT) -> KeyCheck:
        """Load the stored key and sign one token with it: the key, the keyring and the claims work."""
        key = self._load(profile.name, purpose)

        async def sign_one() -> dict[str, Any]:
            minter = TokenMinter(RsaKeySigner(lambda: key), token_spec(profile, purpose))
            try:
                return (await minter.mint()).claims
            finally:
                await minter.aclose()

        claims = asyncio.run(sign_one())
        return KeyCheck(KeyInfo(key.key_size, key_fingerprint(key), self.backend_name()), claims)

    def delete(self, profile_name: str, purpose: SecretPurpose = SecretPurpose.SCRT) -> bool:
        """Remove the key; False when none was stored."""
        return self.store.delete_private_key(profile_name, purpose)

    def key_loader(self, profile_name: str, purpose: SecretPurpose = SecretPurpose.SCRT
                   ) -> Callable[[], RSAPrivateKey]:
        """What a signer calls (once, off the event loop) to read and parse the key."""
        return lambda: self._load(profile_name, purpose)

    def _load(self, profile_name: str, purpose: SecretPurpose) -> RSAPrivateKey:
        secret = self.store.get_private_key(profile_name, purpose)
        return load_private_key(secret.pem, secret.passphrase)


def _check_cert_out(path: Path, profile: Profile) -> None:
    """Refuse what the certificate could not be written to, before any key is made, and never
    overwrite a private key (say, --cert-out given the key file by mistake)."""
    if path.is_dir():
        raise InputError(Problem.CERT_NOT_WRITTEN, path=str(path), reason="it is a folder: add a file name")
    try:
        with path.open("rb") as file:
            start = file.read(MAX_PEM_BYTES)
    except OSError:
        return  # no such file (or one the write will fail on, and say why)
    if b"PRIVATE KEY" in start:
        raise InputError(Problem.CERT_OUT_HOLDS_KEY, path=str(path), profile=profile.name)


def _write(path: Path, certificate: Certificate, named: Path) -> None:
    """Write the certificate (public, but it names the contact center: the owner's only)."""
    try:
        write_private_file(path, certificate.pem)
    except OSError as error:
        raise InputError(Problem.CERT_NOT_WRITTEN, path=str(named), reason=_reason(error)) from None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def certificate_for(key: RSAPrivateKey, profile: Profile) -> Certificate:
    """A self-signed X.509 certificate naming the profile's Call Center, valid two years."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{profile.call_center} transfer panel"[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, profile.name)])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + timedelta(days=CERTIFICATE_DAYS))
                   .sign(key, hashes.SHA256()))
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return Certificate(certificate.public_bytes(serialization.Encoding.PEM),
                       ":".join(digest[i:i + 2] for i in range(0, len(digest), 2)), certificate.not_valid_after_utc)
