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


_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
"""  # no <servicedir>: nothing is started on demand (no keyring daemon, no unlock prompt)


class PrivateSecretService:
    """A D-Bus session of its own for one test, as a desktop session has: with `keyring`, a real
    gnome-keyring-daemon serving the Secret Service, its login keyring made and unlocked with
    `password`; without, a session where no keyring runs. Point DBUS_SESSION_BUS_ADDRESS at
    `address` to use it; `lock()` and `unlock()` do what the desktop does at screen lock and login.

    Nothing is started on demand and there is no display, so a read of the locked keyring gets
    keyring's "locked" error at once, as when the rep dismisses the unlock prompt."""

    def __init__(self, folder, keyring: bool = True, password: str = "correct horse") -> None:
        import os
        import subprocess
        import time

        import secretstorage
        from jeepney.io.blocking import open_dbus_connection

        self._password = password
        for name in ("data", "config", "cache", "run", "bus"):
            (folder / name).mkdir(mode=0o700, parents=True, exist_ok=True)
        (folder / "bus.conf").write_text(_BUS_CONFIG.format(folder=folder / "bus"), encoding="utf-8")
        env = {key: value for key, value in os.environ.items()
               if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
        env.update(HOME=str(folder), XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"),
                   XDG_CACHE_HOME=str(folder / "cache"), XDG_RUNTIME_DIR=str(folder / "run"))
        self._processes = [subprocess.Popen(
            ["dbus-daemon", f"--config-file={folder / 'bus.conf'}", "--nofork", "--print-address=1"], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)]
        self.address = self._processes[0].stdout.readline().strip()
        self._processes[0].stdout.close()
        self._connection = open_dbus_connection(self.address)
        if not keyring:
            return
        env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        daemon = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                  env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._processes.append(daemon)
        daemon.stdin.write(password.encode())
        daemon.stdin.close()
        deadline = time.monotonic() + 20
        while True:  # the service, then the login keyring its first start makes
            try:
                if secretstorage.check_service_availability(self._connection):
                    secretstorage.get_default_collection(self._connection)
                    return
            except secretstorage.exceptions.ItemNotFoundException:
                pass
            if time.monotonic() > deadline or daemon.poll() is not None:
                self.close()
                raise RuntimeError("gnome-keyring-daemon did not start")
            time.sleep(0.05)

    def _collection(self):
        import secretstorage

        return secretstorage.get_default_collection(self._connection)

    def lock(self) -> None:
        self._collection().lock()
        assert self._collection().is_locked()

    def unlock(self) -> None:
        """With the password, as a login does (the desktop's own way: gnome-keyring's private interface)."""
        from secretstorage.util import SS_PATH, DBusAddressWrapper, format_secret, open_session

        session = open_session(self._connection)
        keyring = DBusAddressWrapper(SS_PATH, "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                     self._connection)
        keyring.call("UnlockWithMasterPassword", "o(oayays)", self._collection().collection_path,
                     format_secret(session, self._password.encode(), "text/plain"))
        assert not self._collection().is_locked()

    def close(self) -> None:
        self._connection.close()
        for process in reversed(self._processes):
            process.terminate()
            process.wait(timeout=10)
