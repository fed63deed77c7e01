"""Keyring backends for tests: the edges that cannot run here (Windows Credential Manager's
size limit, a write cut off half way). The real SecretService is tested where CI has one."""

import keyring.backend
import keyring.errors
from keyring.compat import properties

WINDOWS_BLOB_LIMIT_BYTES = 2560  # CRED_MAX_CREDENTIAL_BLOB_SIZE; keyring writes UTF-16-LE


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in a dict."""

    @properties.classproperty
    def priority(cls) -> float:  # not viable: keyring never picks it as the default backend
        raise RuntimeError("a test backend, used only where it is passed in")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class WindowsLimitKeyring(MemoryKeyring):
    """Refuses what Windows Credential Manager refuses: a blob over 2,560 UTF-16 bytes."""

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password.encode("utf-16-le")) > WINDOWS_BLOB_LIMIT_BYTES:
            raise keyring.errors.PasswordSetError("The stub received bad data.")
        super().set_password(service, username, password)


class CutOffKeyring(MemoryKeyring):
    """Lets `writes_left` writes through, then fails every write (a crash half way)."""

    def __init__(self, writes_left: int) -> None:
        super().__init__()
        self.writes_left = writes_left

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.writes_left <= 0:
            raise keyring.errors.PasswordSetError("cut off")
        self.writes_left -= 1
        super().set_password(service, username, password)


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def secret_tool(*args: str) -> tuple[str, str]:
    """Runs libsecret's `secret-tool`, an independent reader of the real SecretService;
    returns (stdout, stderr): `search` prints values on stdout, attributes on stderr."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("secret-tool") is None:
        pytest.fail("secret-tool is missing: install libsecret-tools (CI does)")
    done = subprocess.run(["secret-tool", *args], capture_output=True, text=True, timeout=30,
                          check=False)
    return done.stdout, done.stderr


def stored_usernames(service: str) -> set[str]:
    """The entry names stored under `service` in the SecretService (values left out)."""
    _, attributes = secret_tool("search", "--all", "--unlock", "service", service)
    return {line.split(" = ", 1)[1] for line in attributes.splitlines()
            if line.startswith("attribute.username = ")}
