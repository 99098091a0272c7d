"""The clients' operations and the committed schema agree with the code."""

import json

import pytest
from graphql import build_schema as parse_sdl
from graphql import parse, validate

from backend.__main__ import write_schema
from backend.api import contract
from backend.api.schema import build_schema
from backend.core.settings import Settings

OPERATIONS = [(client, name) for client in contract.CLIENT_MANIFESTS for name in contract.client_operations(client)]


@pytest.mark.parametrize(("client", "name"), OPERATIONS)
def test_every_client_operation_is_valid_against_the_committed_schema(client, name):
    schema = parse_sdl(contract.SCHEMA_FILE.read_text())
    document = parse(contract.client_operations(client)[name])
    assert validate(schema, document) == []


def test_committed_schema_and_manifests_match_the_code():
    assert write_schema(check=True) == 0
    persisted = json.loads(contract.PERSISTED_FILE.read_text())
    assert all(contract.document_id(text) == doc_id for doc_id, text in persisted.items())


def test_schema_check_fails_when_code_and_schema_drift(tmp_path, monkeypatch, capsys):
    drifted = tmp_path / "schema.graphql"
    drifted.write_text(build_schema(Settings()).as_str().replace("displayName: String!", "displayName: String"))
    monkeypatch.setattr(contract, "SCHEMA_FILE", drifted)
    assert write_schema(check=True) == 1
    assert "schema.graphql" in capsys.readouterr().err
