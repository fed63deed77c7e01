import json
import xml.etree.ElementTree as ET

import pytest

from app.core.routing.wire import route_body, route_method_and_path, server_message

FIELDS = {"routingTarget": "300SG000015iJ38YAE", "fallbackQueue": "00G000000000001AAA"}


@pytest.mark.parametrize(
    ("shape", "method", "path"),
    [("seed", "POST", "/voiceCalls/a%2Fb%3Fc%23d%25e%20f%C3%A9/routeVoiceCall"),
     ("connector", "PATCH", "/voiceCalls/route/a%2Fb%3Fc%23d%25e%20f%C3%A9")],
)
def test_call_id_is_one_encoded_path_segment(shape, method, path):
    assert route_method_and_path(shape, "a/b?c#d%e fé") == (method, path)


def test_json_body_omits_unset_fields():
    body, content_type = route_body({"routingTarget": "00G000000000001AAA"}, (), "json", "object")
    assert content_type == "application/json"
    assert json.loads(body) == {"routingTarget": "00G000000000001AAA"}


def test_json_flow_inputs_as_object_or_string():
    inputs = (("Input1", "one"), ("Größe", 'quote " and \\'))
    as_object = json.loads(route_body(FIELDS, inputs, "json", "object")[0])
    assert as_object["flowInputParameters"] == {"Input1": "one", "Größe": 'quote " and \\'}
    as_string = json.loads(route_body(FIELDS, inputs, "json", "string")[0])
    assert json.loads(as_string["flowInputParameters"]) == {"Input1": "one", "Größe": 'quote " and \\'}


def test_xml_escapes_every_value_and_round_trips():
    nasty = "</value><injected>&amp;\"'\r\n\t✓"
    body, content_type = route_body(FIELDS, (("k<&>", nasty),), "xml", "object")
    assert content_type == "application/xml"
    assert b"<injected>" not in body
    root = ET.fromstring(body)
    assert root.tag == "routeVoiceCall"
    assert root.findtext("routingTarget") == FIELDS["routingTarget"]
    assert root.findtext("fallbackQueue") == FIELDS["fallbackQueue"]
    (entry,) = root.find("flowInputParameters")
    assert (entry.findtext("key"), entry.findtext("value")) == ("k<&>", nasty)


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/json", '{"message": "Invalid routing target", "errorCode": "INVALID_ID"}',
         "Invalid routing target (INVALID_ID)"),
        ("application/json", '{"errors": ["first", "second"]}', "first; second"),
        ("application/json", '{"errors": "only one"}', "only one"),
        ("application/json", '[{"message": "a", "errorCode": "X"}, {"message": "b"}]', "a (X); b"),
        ("application/json", '{"error": "invalid_grant", "error_description": "expired"}', "expired (invalid_grant)"),
        ("text/plain", "  upstream\n  unavailable ", "upstream unavailable"),
        ("text/html", "<html><head><title>502 Bad Gateway</title></head><body>x</body></html>", "502 Bad Gateway"),
        ("text/html", "<html><body><h1>Blocked &amp; logged</h1></body></html>", "Blocked & logged"),
        ("application/json", "", None),
        ("application/json", '{"unexpected": true}', '{"unexpected": true}'),
    ],
)
def test_server_words_from_every_error_shape(content_type, body, expected):
    assert server_message(content_type, body) == expected


def test_long_server_words_are_shortened():
    assert len(server_message("text/plain", "x" * 5000)) == 500
