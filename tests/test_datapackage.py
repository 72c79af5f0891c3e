"""OUT/datapackage.json: the tables as a Frictionless Data Package, generated from pipeline/schemas.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.run import run_extract
from pipeline.schemas import TABLES, keys

frictionless = pytest.importorskip("frictionless")


def descriptor(out: Path) -> dict:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def errors(out: Path) -> list[tuple[str, str]]:
    report = frictionless.validate(str(out / "datapackage.json"))
    return [(task.name, error.type) for task in report.tasks for error in task.errors] + [
        ("package", error.type) for error in report.errors]


def test_descriptor_follows_the_schemas(samples_out):
    package = descriptor(samples_out)
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    for resource in package["resources"]:
        schema = TABLES[resource["name"]]
        assert resource["path"] == f"{resource['name']}.parquet" and (samples_out / resource["path"]).exists()
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert all(f["description"] for f in fields)
        assert [f["name"] for f in fields if f.get("constraints", {}).get("required")] == [
            f.name for f in schema if not f.nullable]
        primary, foreign = keys(schema)
        assert resource["schema"].get("primaryKey", []) == primary
        assert {fk["fields"][0]: f"{fk['reference']['resource']}.{fk['reference']['fields'][0]}"
                for fk in resource["schema"].get("foreignKeys", [])} == foreign
    assert keys(TABLES["mentions"])[1]["entity_id"] == "entities.entity_id"


def test_the_sample_output_validates(samples_out):
    assert errors(samples_out) == []
    cli = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(cli), "validate", str(samples_out / "datapackage.json")], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_broken_key_fails_validation(samples_out, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(samples_out, out)
    mentions = pq.read_table(out / "mentions.parquet").to_pylist()
    mentions[0]["entity_id"] = "PERSON-0000000000000000"  # no such entity
    mentions[2]["mention_id"] = mentions[1]["mention_id"]  # one id twice
    pq.write_table(pq.read_table(out / "mentions.parquet").from_pylist(mentions, schema=TABLES["mentions"]),
                   out / "mentions.parquet")
    found = errors(out)
    assert ("mentions", "foreign-key") in found and ("mentions", "primary-key") in found


def test_a_run_of_bad_files_only_still_validates(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    run_extract(raw, tmp_path / "out", progress=False)
    assert errors(tmp_path / "out") == []
