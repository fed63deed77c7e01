"""The OS keyring: the only module that touches `keyring`, and the only place secrets rest.

A profile's private key (PEM plus optional passphrase) is stored as one payload:
JSON, UTF-8, base64 — ASCII, so its UTF-16 size is predictable. Windows Credential
Manager refuses blobs over 2,560 bytes (keyring writes UTF-16: ~1,280 characters) and a
4096-bit PEM is ~3.2 KB, so the payload is split into parts of at most 1,000 characters
plus a manifest (count, SHA-256, generation). The manifest is written last: a write cut
off half way leaves the previous manifest pointing at the previous, intact parts, and a
set whose parts do not hash to the manifest is reported corrupt, never used.

Entry names (the keyring's "username", under service `voice-transfer-panel`):
`<profile>/<purpose>/manifest` and `<profile>/<purpose>/part-<generation>-<index>`.
Short named secrets (an OpenBao token) are one entry each: `<profile>/secret/<name>`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import enum
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.core.errors import CredentialError, Problem

if TYPE_CHECKING:  # keyring is imported lazily: finding a backend can take a while
    from keyring.backend import KeyringBackend

SERVICE = "voice-transfer-panel"
PART_CHARS = 1000
MANIFEST_VERSION = 1
SWEPT_GENERATIONS = 64  # how many key replacements a damaged set's clean-up looks back over
# The operating systems' own stores: anything else keyring may pick (a plaintext or
# "encrypted" file from keyrings.alt, a null or fail backend) is refused, never used.
_PLATFORM_BACKENDS = ("keyring.backends.Windows", "keyring.backends.macOS", "keyring.backends.SecretService",
                      "keyring.backends.libsecret", "keyring.backends.kwallet")


class NoKeyringError(CredentialError):
    """No usable OS keyring on this machine; the panel will not fall back to a file."""

    def __init__(self, backend: str = "") -> None:
        super().__init__(Problem.KEYRING_MISSING, platform=sys.platform, backend=backend)


class KeyringLockedError(CredentialError):
    """The keyring exists but is locked and was not unlocked."""


class SecretMissingError(CredentialError):
    """Nothing is stored for this profile."""


class SecretCorruptError(CredentialError):
    """What is stored is incomplete or damaged (for example a write that was cut off)."""


class SecretName(enum.StrEnum):
    """A profile's short named secrets (one keyring entry each)."""

    OPENBAO_TOKEN = "openbao-token"


class SecretPurpose(enum.Enum):
    """Which key of a profile: the SCRT routing key or the Salesforce REST API key."""

    SCRT = "scrt"
    SALESFORCE_API = "salesforce-api"


@dataclass(frozen=True, slots=True)
class PrivateKeySecret:
    pem: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)


def is_platform_store(backend: KeyringBackend) -> bool:
    """Whether `backend` is one of the operating systems' own credential stores (or a chain of them)."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends) and all(is_platform_store(inner) for inner in backend.backends)
    return type(backend).__module__.startswith(_PLATFORM_BACKENDS)


def _platform_choice(backend: KeyringBackend) -> KeyringBackend:
    """keyring's choice, narrowed to the platform's own stores. When more than one backend is usable,
    keyring chains them all, keyrings.alt's plaintext file included: the chain's first platform store
    is used alone, so that a write it refuses can never fall through to a file."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        return next((inner for inner in backend.backends if is_platform_store(inner)), backend)
    return backend


def _stores_nothing(backend: KeyringBackend) -> bool:
    """keyring's stand-ins when nothing real exists: "fail" refuses, "null" would even drop a key silently."""
    from keyring.backends import chainer, fail, null

    return isinstance(backend, fail.Keyring | null.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends)


class SecretStore:
    """Reads and writes private keys in the OS keyring (or in `backend` when given)."""

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        """`backend` is for tests (a store passed in is trusted if it stores at all); the one keyring
        picks must be the platform's own (see `_PLATFORM_BACKENDS`)."""
        import keyring
        import keyring.errors

        self._errors = keyring.errors
        self.service = service
        try:
            self._backend = backend if backend is not None else _platform_choice(keyring.get_keyring())
        except Exception:  # a broken backend module, a missing dependency: one edge
            raise NoKeyringError() from None
        self.available = not _stores_nothing(self._backend) and (backend is not None or
                                                                 is_platform_store(self._backend))

    def backend_name(self) -> str:
        return self._backend.name

    def set_private_key(self, profile: str, secret: PrivateKeySecret,
                        purpose: SecretPurpose = SecretPurpose.SCRT) -> None:
        payload = base64.b64encode(json.dumps(
            {"pem": secret.pem, "passphrase": secret.passphrase}).encode()).decode("ascii")
        parts = [payload[i:i + PART_CHARS] for i in range(0, len(payload), PART_CHARS)]
        old = self._manifest_or_clear_damaged(profile, purpose)
        generation = old["generation"] + 1 if old else 1
        for index, part in enumerate(parts):
            self._set(self._part_name(profile, purpose, generation, index), part)
        manifest = {"version": MANIFEST_VERSION, "count": len(parts), "generation": generation,
                    "sha256": hashlib.sha256(payload.encode()).hexdigest()}
        self._set(self._manifest_name(profile, purpose), json.dumps(manifest))
        if old and old["generation"] != generation:
            self._delete_parts(profile, purpose, old)

    def get_private_key(self, profile: str,
                        purpose: SecretPurpose = SecretPurpose.SCRT) -> PrivateKeySecret:
        manifest = self._manifest(profile, purpose)
        if manifest is None:
            raise SecretMissingError(Problem.SECRET_MISSING, profile=profile, backend=self.backend_name(),
                                     purpose=purpose.value)
        parts = [self._get(self._part_name(profile, purpose, manifest["generation"], index))
                 for index in range(manifest["count"])]
        payload = "".join(part or "" for part in parts)
        if None in parts or hashlib.sha256(payload.encode()).hexdigest() != manifest["sha256"]:
            raise self._corrupt(profile, "parts")
        try:
            values = json.loads(base64.b64decode(payload, validate=True))
            return PrivateKeySecret(values["pem"], values["passphrase"])
        except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError):
            raise self._corrupt(profile, "decoding") from None

    def has_private_key(self, profile: str, purpose: SecretPurpose = SecretPurpose.SCRT) -> bool:
        return self._manifest(profile, purpose) is not None

    def delete_private_key(self, profile: str,
                           purpose: SecretPurpose = SecretPurpose.SCRT) -> bool:
        """Removes the key (a damaged set too); returns False when none was stored. Manifest
        first, so a deletion cut off half way leaves nothing that looks usable."""
        try:
            manifest = self._manifest(profile, purpose)
        except SecretCorruptError:
            self._clear_damaged(profile, purpose)
            return True
        if manifest is None:
            return False
        self._delete(self._manifest_name(profile, purpose))
        self._delete_parts(profile, purpose, manifest)
        return True

    # -- short named secrets (one entry each: at most PART_CHARS, so any keyring takes them)

    def set_secret(self, profile: str, name: SecretName, value: str) -> None:
        if not value or len(value) > PART_CHARS or not value.isascii() or not value.isprintable():
            raise CredentialError(Problem.SECRET_UNFIT, profile=profile, name=name.value, limit=PART_CHARS)
        self._set(self._secret_name(profile, name), value)

    def get_secret(self, profile: str, name: SecretName) -> str | None:
        return self._get(self._secret_name(profile, name))

    def delete_secret(self, profile: str, name: SecretName) -> bool:
        """Removes the secret; returns False when none was stored."""
        entry = self._secret_name(profile, name)
        if self._get(entry) is None:
            return False
        self._delete(entry)
        return True

    # -- entries -------------------------------------------------------------------------

    @staticmethod
    def _secret_name(profile: str, name: SecretName) -> str:
        return f"{profile}/secret/{SecretName(name).value}"

    @staticmethod
    def _manifest_name(profile: str, purpose: SecretPurpose) -> str:
        return f"{profile}/{purpose.value}/manifest"

    @staticmethod
    def _part_name(profile: str, purpose: SecretPurpose, generation: int, index: int) -> str:
        return f"{profile}/{purpose.value}/part-{generation}-{index}"

    def _manifest(self, profile: str, purpose: SecretPurpose) -> dict[str, Any] | None:
        text = self._get(self._manifest_name(profile, purpose))
        if text is None:
            return None
        try:
            manifest: dict[str, Any] = json.loads(text)
            valid = (manifest["version"] == MANIFEST_VERSION
                     and all(isinstance(manifest[k], int) and manifest[k] > 0
                             for k in ("count", "generation"))
                     and isinstance(manifest["sha256"], str))
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise self._corrupt(profile, "manifest")
        return manifest

    def _manifest_or_clear_damaged(self, profile: str, purpose: SecretPurpose) -> dict[str, Any] | None:
        """The manifest, or None once a damaged one and every part it may have had are removed:
        storing a new key is how a rep repairs a damaged set, so it must not be refused."""
        try:
            return self._manifest(profile, purpose)
        except SecretCorruptError:
            self._clear_damaged(profile, purpose)
            return None

    def _clear_damaged(self, profile: str, purpose: SecretPurpose) -> None:
        # Keyrings cannot list entries, so parts are found by name: every generation a
        # profile is likely to reach, each part until the first missing one.
        self._delete(self._manifest_name(profile, purpose))
        for generation in range(1, SWEPT_GENERATIONS + 1):
            index = 0
            while self._get(self._part_name(profile, purpose, generation, index)) is not None:
                self._delete(self._part_name(profile, purpose, generation, index))
                index += 1

    def _delete_parts(self, profile: str, purpose: SecretPurpose, manifest: dict[str, Any]) -> None:
        for index in range(manifest["count"]):
            self._delete(self._part_name(profile, purpose, manifest["generation"], index))

    def _corrupt(self, profile: str, why: str) -> SecretCorruptError:
        return SecretCorruptError(Problem.SECRET_CORRUPT, profile=profile, backend=self.backend_name(), why=why)

    # -- keyring calls, with its errors turned into ours (messages never carry values) ---

    def _get(self, name: str) -> str | None:
        value: str | None = self._call("read", self._backend.get_password, name)
        return value

    def _set(self, name: str, value: str) -> None:
        self._call("store", self._backend.set_password, name, value)

    def _delete(self, name: str) -> None:
        with contextlib.suppress(SecretMissingError):  # already gone: the goal of deleting is met
            self._call("delete", self._backend.delete_password, name)

    def _call(self, action: str, method: Callable[..., Any], *args: str) -> Any:
        if not self.available:
            raise NoKeyringError(self.backend_name())
        try:
            return method(self.service, *args)
        except self._errors.PasswordDeleteError:
            raise SecretMissingError(Problem.SECRET_MISSING, profile="", backend=self.backend_name(),
                                     purpose="") from None
        except Exception as error:  # backends raise their own types (D-Bus, Win32): one edge
            raise self._translate(error, action) from None

    def _translate(self, error: Exception, action: str) -> CredentialError:
        if isinstance(error, self._errors.KeyringLocked):
            return KeyringLockedError(Problem.KEYRING_LOCKED, backend=self.backend_name())
        if isinstance(error, self._errors.NoKeyringError | self._errors.InitError):
            return NoKeyringError(self.backend_name())
        return CredentialError(Problem.KEYRING_FAILED, backend=self.backend_name(), action=action,
                               error=type(error).__name__)
