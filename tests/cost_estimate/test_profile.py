"""The usage profile: the default one loads; bad files fail with every problem, each naming its field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cost_estimate import profile
from cost_estimate.profile import ProfileError


def default_data() -> dict:
    return yaml.safe_load(profile.DEFAULT_PROFILE.read_text())


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "usage.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_default_profile_is_this_pipelines_workload() -> None:
    p = profile.load()
    assert p.region == "us-east-2"
    assert p.workload.files_per_day * p.workload.file_size_gb == 500  # ~500 GB a day
    assert p.files_per_month == pytest.approx(500 * 730 / 24)
    assert p.function_for("lambda-validate-dev")[0] == "validate"
    assert p.function_for("lambda-orchestrator-legacy")[0] == "orchestrator"
    assert p.function_for("some-other-function") is None
    assert p.bucket_for("financial-data-pipeline-prod")[0] == "data"
    assert p.table_for("ddb-metadata-dev")[0] == "metadata"


def test_every_number_in_the_default_profile_says_where_it_comes_from() -> None:
    """A line holding a number has a comment on it or a comment block right above it."""
    lines = profile.DEFAULT_PROFILE.read_text().splitlines()
    undocumented = []
    for index, line in enumerate(lines):
        key, _, rest = line.strip().partition(":")
        value = rest.split("#")[0] if rest and not key.startswith("#") and key not in ("name", "region") else ""
        if any(c.isdigit() for c in value) and "#" not in line and not lines[index - 1].lstrip().startswith("#"):
            undocumented.append(line.strip())
    assert undocumented == ["invocations_per_file: 1"] * 4  # the ingest entry explains it for all steps


def test_every_problem_is_reported_naming_its_field(tmp_path: Path) -> None:
    data = default_data()
    data["workload"]["files_per_day"] = 0
    data["functions"]["validate"]["cpu_seconds_per_gb"] = -1
    data["functions"]["validate"]["cpu_secnds_per_gb"] = 3  # typo
    data["buckets"]["data"]["streams"][0]["size_ratio"] = "big"
    data["functions"]["orchestrator"]["waits_for"] = ["ingest", "nope"]
    with pytest.raises(ProfileError) as error:
        profile.load(write(tmp_path, data))
    text = str(error.value)
    assert text.startswith(f"{tmp_path / 'usage.yml'}: invalid usage profile:")
    assert "workload.files_per_day: Input should be greater than 0" in text
    assert "functions.validate.cpu_seconds_per_gb: Input should be greater than or equal to 0" in text
    assert "functions.validate.cpu_secnds_per_gb: Extra inputs are not permitted" in text
    assert "buckets.data.streams.0.size_ratio: Input should be a valid number" in text


def test_cross_field_problems_name_the_field(tmp_path: Path) -> None:
    data = default_data()
    data["functions"]["orchestrator"]["waits_for"] = ["ingest", "nope"]
    with pytest.raises(ProfileError, match=r"functions\.orchestrator\.waits_for: unknown function 'nope'"):
        profile.load(write(tmp_path, data))


@pytest.mark.parametrize(
    ("parallel", "message"),
    [
        ({"threads": 1, "speedup": 1}, "parallel.threads: Input should be greater than or equal to 2"),
        ({"threads": 2, "speedup": 0.9}, "parallel.speedup: Input should be greater than or equal to 1"),
        ({"threads": 2}, "parallel.speedup: Field required"),
        ({"threads": 2, "speedup": 1.5, "vcpus": 2}, "parallel.vcpus: Extra inputs are not permitted"),
        (
            {"threads": 2, "speedup": 2.5},
            "parallel: Value error, speedup 2.5 is more than linear at 2 threads "
            "(at most 2: time with one thread / time with 2)",
        ),
    ],
)
def test_a_parallel_speedup_is_checked_naming_its_field(tmp_path: Path, parallel: dict, message: str) -> None:
    data = default_data()
    data["functions"]["validate"]["parallel"] = parallel
    with pytest.raises(ProfileError) as error:
        profile.load(write(tmp_path, data))
    assert str(error.value).splitlines()[1:] == [f"  - functions.validate.{message}"]


@pytest.mark.parametrize("speedup", [1, 1.6, 2])
def test_a_parallel_speedup_up_to_linear_is_accepted(tmp_path: Path, speedup: float) -> None:
    data = default_data()
    data["functions"]["validate"]["parallel"] = {"threads": 2, "speedup": speedup}
    usage = profile.load(write(tmp_path, data)).functions["validate"]
    assert usage.parallel == profile.Parallel(threads=2, speedup=speedup)
    data["functions"]["validate"].pop("parallel")
    assert profile.load(write(tmp_path, data)).functions["validate"].parallel is None  # single-threaded


def test_missing_sections_are_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as error:
        profile.load(write(tmp_path, {"name": "x", "region": "us-east-2"}))
    assert "month: Field required" in str(error.value)
    assert "workload: Field required" in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [("- a list\n", "a usage profile is a YAML mapping, got list"), ("a: [unclosed\n", "not valid YAML")],
)
def test_unreadable_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "usage.yml"
    path.write_text(text)
    with pytest.raises(ProfileError, match=message):
        profile.load(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the usage file"):
        profile.load(tmp_path / "nope.yml")


def test_overrides_replace_top_level_keys() -> None:
    assert profile.load(overrides={"month": 3}).month == 3
