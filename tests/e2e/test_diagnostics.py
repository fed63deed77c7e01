"""`transfer-panel diagnostics`: the zip IT gets has what a support case needs and no secret."""

import zipfile

from cryptography.hazmat.primitives import serialization

from app.diagnostics import scrub
from tests.conftest import QUEUE
from tests.e2e.conftest import PASSPHRASE, cli, encrypted_pem


def test_the_zip_has_versions_keyring_config_log_and_self_test_but_no_secret(tmp_path, rsa_key, keyring_profile):
    name, config = keyring_profile
    pem = encrypted_pem(rsa_key)
    base = ("--config", str(config))
    env = {"KEY_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}
    assert cli(*base, "credentials", "set", "--profile", name, "--passphrase-env", "KEY_PASSPHRASE",
               stdin=pem, env=env).returncode == 0
    routed = cli(*base, "-v", "route", "--profile", name, "--call-id", "0LQ5g00000ABCDE", "--target", QUEUE)
    assert routed.returncode == 0

    output = tmp_path / "support" / "diag.zip"
    done = cli(*base, "diagnostics", "--output", str(output), env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(output) as archive:
        texts = {info.filename: archive.read(info).decode("utf-8") for info in archive.infolist()}
    assert set(texts) == {"versions.txt", "keyring.txt", "config.toml", "log-tail.txt", "self-test.txt"}
    assert "Voice Transfer Panel" in texts["versions.txt"] and "Qt 6." in texts["versions.txt"]
    assert f"profile {name}: scrt key stored, salesforce-api key absent" in texts["keyring.txt"]
    assert f"[profiles.{name}]" in texts["config.toml"]
    assert "outcome=accepted" in texts["log-tail.txt"]
    assert "ok   route" in texts["self-test.txt"]
    key_body = "".join(rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode().splitlines()[1:-1])[:64]
    for text in texts.values():
        assert "PRIVATE KEY" not in text and PASSPHRASE not in text and "eyJ" not in text
        assert key_body not in text and pem.splitlines()[1] not in text


def test_lines_that_look_like_secrets_are_scrubbed():
    token = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIwMEQifQ.c2lnbmF0dXJl"
    text = f"ok line\nAuthorization: Bearer {token}\n-----BEGIN PRIVATE KEY-----\nlast"
    assert scrub(text).splitlines() == ["ok line", "[line removed: it looked like a secret]",
                                        "[line removed: it looked like a secret]", "last"]
