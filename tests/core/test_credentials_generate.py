"""Making a key pair where the keyring or the file system fails half way: the keyring and the
certificate file stay as they were, or the rep is told exactly what is missing. The keyrings here
are the edges the real one cannot be made to show (a write refused after some went through)."""

from pathlib import Path

import keyring.errors
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.core.credentials import CredentialsDesk
from app.core.errors import CredentialError, InputError, Problem
from app.core.profile import Profile
from app.core.secrets import SecretStore
from app.core.signing.keys import load_private_key
from tests.conftest import CALL_CENTER, ORG_ID, text
from tests.keyrings import CutOffKeyring, MemoryKeyring

PROFILE = Profile(name="emea", base_url="https://acme.my.salesforce-scrt.com/telephony/v1", org_id=ORG_ID,
                  call_center=CALL_CENTER)


def desk_over(backend) -> CredentialsDesk:
    return CredentialsDesk(lambda: SecretStore(backend=backend))


def test_a_key_is_stored_and_its_certificate_written_in_one_step(tmp_path):
    backend = MemoryKeyring()
    made = desk_over(backend).generate(PROFILE, tmp_path / "emea.crt")

    certificate = x509.load_pem_x509_certificate((tmp_path / "emea.crt").read_bytes())
    key = load_private_key(SecretStore(backend=backend).get_private_key("emea").pem, None)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert key.public_key().public_bytes(serialization.Encoding.DER, public) == \
        certificate.public_key().public_bytes(serialization.Encoding.DER, public)
    assert not made.replaced and made.key.bits == 2048 and made.path == tmp_path / "emea.crt"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["emea.crt"]  # nothing staged is left
    assert "PRIVATE" not in repr(made) and "BEGIN" not in repr(made)


def test_a_keyring_that_fails_leaves_no_certificate_and_the_old_one_in_place(tmp_path):
    old = tmp_path / "emea.crt"
    old.write_bytes(b"-----BEGIN CERTIFICATE-----\nthe one on the Call Center\n-----END CERTIFICATE-----\n")
    backend = CutOffKeyring(writes_left=1)  # the first part goes in, then the keyring refuses

    with pytest.raises(CredentialError) as failed:
        desk_over(backend).generate(PROFILE, old)

    assert failed.value.code is Problem.KEYRING_FAILED
    assert old.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----\nthe one on the Call Center")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["emea.crt"]
    assert not SecretStore(backend=backend).has_private_key("emea")  # no manifest: nothing usable was kept
    words = text(failed.value) + str(failed.value)
    assert "PRIVATE" not in words and not any(part in words for part in backend.entries.values())


class _FolderAppears(MemoryKeyring):
    """Stores the key, and meanwhile something makes the certificate's path a folder."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service, username, password)
        (self.path / "inside").mkdir(parents=True, exist_ok=True)


def test_a_certificate_that_cannot_be_moved_in_place_says_the_key_is_kept(tmp_path):
    target = tmp_path / "emea.crt"
    backend = _FolderAppears(target)

    with pytest.raises(CredentialError) as failed:
        desk_over(backend).generate(PROFILE, target)

    assert failed.value.code is Problem.CERT_NOT_SAVED_KEY_KEPT
    assert "export-cert --profile emea" in text(failed.value)
    assert SecretStore(backend=backend).has_private_key("emea")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["emea.crt"] and target.is_dir()  # no staged file


def test_refusals_come_before_any_key_is_made(tmp_path):
    backend = MemoryKeyring()
    desk = desk_over(backend)
    with pytest.raises(InputError) as size:
        desk.generate(PROFILE, tmp_path / "a.crt", bits=1024)
    assert size.value.code is Problem.KEY_BAD_SIZE
    with pytest.raises(InputError) as folder:
        desk.generate(PROFILE, tmp_path)
    assert folder.value.code is Problem.CERT_NOT_WRITTEN and "it is a folder" in text(folder.value)
    assert backend.entries == {} and list(tmp_path.iterdir()) == []

    desk.generate(PROFILE, tmp_path / "first.crt")
    entries = dict(backend.entries)
    with pytest.raises(InputError) as exists:
        desk.generate(PROFILE, tmp_path / "second.crt")
    assert exists.value.code is Problem.KEY_EXISTS and backend.entries == entries
    assert not (tmp_path / "second.crt").exists()

    replaced = desk.generate(PROFILE, tmp_path / "second.crt", replace=True)
    assert replaced.replaced and backend.entries != entries


def test_export_needs_a_stored_key_and_leaves_no_file_without_one(tmp_path):
    with pytest.raises(CredentialError) as missing:
        desk_over(MemoryKeyring()).export_certificate(PROFILE, tmp_path / "emea.crt")
    assert missing.value.code is Problem.SECRET_MISSING and list(tmp_path.iterdir()) == []


def test_a_keyring_error_never_carries_the_key(tmp_path):
    class Shouting(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError(f"cannot store {password}")

    with pytest.raises(CredentialError) as failed:
        desk_over(Shouting()).generate(PROFILE, tmp_path / "emea.crt")
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert "cannot store" not in text(failed.value) + str(failed.value)
