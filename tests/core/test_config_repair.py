"""A broken config file can be repaired (issue 13, item 17): every problem says its file and line,
nothing is written into a file that would not read back valid, and what is written is read back."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import config_files
from app.core.config_files import (
    key_lines,
    load_config,
    read_config,
    renamed_key,
    save_config_text,
    save_profile,
)
from app.core.errors import ConfigError, Problem
from app.core.profile import Profile
from tests.conftest import CALL_CENTER, ORG_ID, raises, text
from tests.reliability.test_bad_config import configs

BASE_URL = "https://acme.my.salesforce-scrt.com/telephony/v1"
WITH_TYPO = f"""# EMEA, set up by IT
[profiles.emea]
base_url = "{BASE_URL}"
org_id = "{ORG_ID}"
call_center = "{CALL_CENTER}"
timout_s = 3
"""
AMER = Profile("amer", "https://amer.my.salesforce-scrt.com/telephony/v1", ORG_ID, "HVCC_US")


@pytest.fixture
def typo_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(WITH_TYPO, encoding="utf-8")
    return path


def test_each_problem_names_its_file_and_line(typo_file):
    reading = read_config(typo_file)
    (problem,) = reading.problems
    assert problem.code is Problem.PROFILE_UNKNOWN_KEY and problem.params["suggestion"] == "timeout_s"
    assert (problem.params["file"], problem.params["line"]) == (str(typo_file), 6)
    assert reading.config.profiles == {} and reading.text == WITH_TYPO


def test_a_profile_is_not_saved_into_a_broken_file_and_the_file_is_untouched(typo_file):
    with raises(ConfigError, match="1 problem") as refused:
        save_profile(typo_file, AMER)
    assert refused.value.code is Problem.CONFIG_INVALID
    assert "unknown key 'timout_s'" in text(refused.value) and refused.value.details[0].params["line"] == 6
    assert typo_file.read_text(encoding="utf-8") == WITH_TYPO


def test_the_typo_is_fixed_in_the_text_and_the_fix_is_saved_and_read_back(typo_file):
    fixed = renamed_key(WITH_TYPO, 6, "timout_s", "timeout_s")
    assert fixed == WITH_TYPO.replace("timout_s", "timeout_s")
    assert read_config(typo_file, text=fixed).problems == ()  # checked before anything is written
    config = save_config_text(typo_file, fixed, replacing=WITH_TYPO)
    assert config.profile("emea").timeout_s == 3.0
    assert typo_file.read_text(encoding="utf-8") == fixed  # comments and all, as typed
    assert load_config(typo_file).profile("emea").timeout_s == 3.0


def test_an_edit_with_problems_is_not_written(typo_file):
    with raises(ConfigError, match="2 problem"):  # the typo, and the new one
        save_config_text(typo_file, WITH_TYPO + "route_shape = 'rest'\n", replacing=WITH_TYPO)
    assert typo_file.read_text(encoding="utf-8") == WITH_TYPO


def test_an_edit_is_not_written_over_a_file_changed_meanwhile(typo_file):
    typo_file.write_text(WITH_TYPO + "# IT was here\n", encoding="utf-8")
    with raises(ConfigError, match="changed by someone else since it was opened"):
        save_config_text(typo_file, WITH_TYPO.replace("timout_s", "timeout_s"), replacing=WITH_TYPO)
    assert typo_file.read_text(encoding="utf-8").endswith("# IT was here\n")


def test_saving_where_the_file_does_not_read_back_as_written_is_not_called_saved(tmp_path, monkeypatch):
    """Another program rewriting the file right after (a sync tool putting its copy back) cannot be
    timed from here: the write itself is replaced by one that leaves the old text."""
    path = tmp_path / "config.toml"
    save_profile(path, AMER)
    before = path.read_text(encoding="utf-8")
    monkeypatch.setattr(config_files, "write_private_file", lambda target, data: target.write_text(before))
    with raises(ConfigError, match="reading it back does not give"):
        save_profile(path, Profile("emea", BASE_URL, ORG_ID, CALL_CENTER))


def test_a_syntax_error_has_its_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.emea]\nbase_url = "x"\norg_id = \n', encoding="utf-8")
    (problem,) = read_config(path).problems
    assert problem.code is Problem.CONFIG_NOT_TOML and problem.params["line"] == 3


def test_missing_and_needed_keys_point_at_their_table_or_the_key_that_needs_them(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles.a]\norg_id = "{ORG_ID}"\ncall_center = "A"\n\n[profiles.b]\nbase_url = "{BASE_URL}"\n'
                    f'org_id = "{ORG_ID}"\ncall_center = "B"\ndirectory_source = "file"\n', encoding="utf-8")
    lines = {(p.params["profile"], p.code): p.params["line"] for p in read_config(path).problems}
    assert lines == {("a", Problem.PROFILE_MISSING_KEY): 1, ("b", Problem.PROFILE_NEEDS_KEY): 9}


def test_problems_of_it_s_site_file_name_that_file(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text(f'[profiles.emea]\nbase_url = "{BASE_URL}"\norg_id = "{ORG_ID}"\ncall_center = "X"\n'
                    'locked = ["base_urll"]\n', encoding="utf-8")
    user = tmp_path / "config.toml"
    user.write_text("[profiles.emea]\ntimeout_s = 500\n", encoding="utf-8")
    places = {p.code: (p.params["file"], p.params["line"]) for p in read_config(user, site).problems}
    assert places == {Problem.CONFIG_LOCKED_UNKNOWN: (str(site), 5), Problem.VALUE_OUT_OF_RANGE: (str(user), 2)}


def test_saving_a_profile_replaces_its_table_in_place_and_keeps_the_comments(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f"""# Contact centers of ACME

[profiles.emea]  # Europe
base_url = "{BASE_URL}"
org_id = "{ORG_ID}"
# the old center
call_center = "OLD"

# the Americas, ask Bob
[profiles.amer]
base_url = "{AMER.base_url}"
org_id = "{ORG_ID}"
call_center = "HVCC_US"
""", encoding="utf-8")
    save_profile(path, Profile("emea", BASE_URL, ORG_ID, "NEW", timeout_s=20.0))
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# Contact centers of ACME\n\n[profiles.emea]\n")
    assert "# the Americas, ask Bob\n[profiles.amer]" in saved and "OLD" not in saved
    config = load_config(path)
    assert config.profile("emea").call_center == "NEW" and config.profile("amer").call_center == "HVCC_US"
    save_profile(path, Profile("apac", BASE_URL, ORG_ID, "APAC"))
    assert path.read_text(encoding="utf-8").startswith(saved) and load_config(path).profile("apac")


def test_a_profile_written_as_dotted_keys_is_saved_all_the_same(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'[profiles]\nemea.base_url = "{BASE_URL}"\nemea.org_id = "{ORG_ID}"\nemea.call_center = "X"\n',
                    encoding="utf-8")
    save_profile(path, Profile("emea", BASE_URL, ORG_ID, "Y"))
    assert load_config(path).profile("emea").call_center == "Y"


def test_key_lines_reads_tables_dotted_and_quoted_keys_and_skips_multi_line_strings():
    places = key_lines('a = 1\r\n[ profiles . "e m" ]\nx.y = 2\n"q" = """\nfake = 3\n"""\n[t]\nk=1\n')
    assert places == {("a",): 1, ("profiles", "e m"): 2, ("profiles", "e m", "x", "y"): 3,
                      ("profiles", "e m", "q"): 4, ("t",): 7, ("t", "k"): 8}


def test_a_rename_only_touches_the_key_on_its_line():
    source = 'timout_s = 3\nnote = "timout_s = 3"\n'
    assert renamed_key(source, 1, "timout_s", "timeout_s") == 'timeout_s = 3\nnote = "timout_s = 3"\n'
    assert renamed_key(source, 2, "timout_s", "timeout_s") == source
    assert renamed_key(source, 9, "timout_s", "timeout_s") == source


@given(st.text(alphabet='[]."\'=#\n\r abc_-1\u2028', max_size=200))
def test_key_lines_never_fails_and_stays_within_the_file(source):
    places = key_lines(source)
    assert all(1 <= line <= source.count("\n") + 1 for line in places.values())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(configs, st.builds(lambda name: WITH_TYPO.replace("timout_s = 3", "").replace("emea", name),
                                            st.sampled_from(["amer", "emea", '"amer"', "'amer'"]))))
def test_saving_into_any_file_adds_the_profile_and_keeps_the_others_or_changes_nothing(content, tmp_path):
    path = tmp_path / "fuzz.toml"
    data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    try:
        before = load_config(path)
        config = save_profile(path, AMER)
    except ConfigError:
        assert path.read_bytes() == data  # refused: not a byte changed
        return
    assert config == load_config(path) and config.profile("amer") == AMER
    assert {name: profile for name, profile in before.profiles.items() if name != "amer"} == {
        name: profile for name, profile in config.profiles.items() if name != "amer"}
