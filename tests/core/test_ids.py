import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.ids import IdKind, InvalidIdError, checksum_suffix, parse_id, parse_routing_target, same_id
from tests.conftest import raises

VECTORS = [
    ("003G000001SUbc4", "003G000001SUbc4IAD"),
    ("001550V000WOQZi", "001550V000WOQZiACP"),
    ("70130000001tcyI", "70130000001tcyIAAQ"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),  # the one a widely copied snippet gets wrong
]
ID_CHARS = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(("id15", "id18"), VECTORS)
def test_domain_vectors_normalise_to_18(id15, id18):
    assert parse_id(id15).value == id18
    assert parse_id(id18).value == id18
    assert same_id(id15, id18)


def test_route_page_example_flow_id_is_valid():
    assert parse_routing_target("300SG000015iJ38YAE").kind is IdKind.FLOW


def test_wrong_checksum_is_rejected_with_the_expected_suffix():
    with raises(InvalidIdError, match="should be IAD"):
        parse_id("003G000001SUbc4IAA")


def test_changed_letter_case_breaks_the_checksum():
    with raises(InvalidIdError, match="checksum"):
        parse_id("003g000001SUbc4IAD")


@pytest.mark.parametrize("raw", ["", "   ", "003G000001SUbc", "003G000001SUbc4I", "003G000001SUbc4IA-",
                                 "003G00000 1SUbc4"])
def test_malformed_ids_are_rejected(raw):
    with pytest.raises(InvalidIdError):
        parse_id(raw)


def test_surrounding_spaces_are_ignored():
    assert parse_id("  003G000001SUbc4 \n").value == "003G000001SUbc4IAD"


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [("005", IdKind.AGENT), ("00G", IdKind.QUEUE), ("300", IdKind.FLOW), ("0LQ", IdKind.VOICE_CALL),
     ("00D", IdKind.ORGANIZATION), ("0N5", IdKind.PRESENCE_STATUS), ("001", IdKind.OTHER)],
)
def test_kind_by_prefix(prefix, kind):
    assert parse_id(prefix + "000000000001").kind is kind


def test_flow_version_id_is_refused_with_the_fix():
    with raises(InvalidIdError, match=r"flow version ID \(301…\): use the flow definition ID \(300…\)"):
        parse_routing_target("301000000000001")


def test_non_routable_kind_is_refused():
    with raises(InvalidIdError, match="not an agent"):
        parse_routing_target("0LQ000000000001")


@given(st.text(ID_CHARS, min_size=15, max_size=15))
def test_checksum_round_trip_and_any_other_suffix_fails(id15):
    id18 = id15 + checksum_suffix(id15)
    assert parse_id(id18).value == id18
    assert parse_id(id15) == parse_id(id18)
    wrong = id15 + ("AAA" if checksum_suffix(id15) != "AAA" else "BBB")
    with pytest.raises(InvalidIdError):
        parse_id(wrong)
