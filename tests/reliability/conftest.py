"""The reliability suite's bounds and its profile whose key lives in the real OS keyring (the
processes are run by `processes.py`).

Timing: the issue's acceptance line is "within timeout_s + 1 s". A route process also pays the
interpreter's start (about a second here, more on this shared 2-CPU box when other suites run),
so the tests use timeout_s = 3 and allow timeout_s + 5 s for the whole process: a bound that
catches a read that is not under the deadline (those took 40 s) without being flaky.
`benchmarks/hostile.py` reports the exact figures.
"""

import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from tests.conftest import require_real_keyring
from tests.reliability.processes import TIMEOUT_S, run_cli, write_profile

WALL_BOUND_S = TIMEOUT_S + 5  # see the module docstring
PEAK_RSS_BOUND_MIB = 150


@pytest.fixture(scope="module")
def keyring_key(tmp_path_factory, rsa_key):
    """A profile name whose routing key is in the real OS keyring for this module's tests
    (stored once: each `credentials set` is a process and a keyring round trip)."""
    require_real_keyring()
    name = f"rel-{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("keyring")
    config = write_profile(folder / "config.toml", name, "http://127.0.0.1:9/telephony/v1")
    key_file = folder / "key.pem"
    key_file.write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    stored = run_cli("--config", str(config), "credentials", "set", "--profile", name, "--key-file", str(key_file))
    assert stored.returncode == 0, stored.stderr
    key_file.unlink()
    yield name
    run_cli("--config", str(config), "credentials", "delete", "--profile", name)
