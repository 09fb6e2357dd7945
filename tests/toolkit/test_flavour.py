"""aspects.flavour: the library is read from the construct tree's own classes, never guessed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aspects.flavour import LIBRARIES, library_of, load
from tests.toolkit.conftest import LIBRARY
from tests.toolkit.stacks import resource


def test_a_stack_and_everything_in_it_belong_to_the_library_that_built_them(lib):
    app = lib.Testing.app()
    stack = lib.TerraformStack(app, "s")
    bucket = resource(lib, stack, "b", "aws_s3_bucket")
    assert {library_of(app), library_of(stack), library_of(bucket)} == {LIBRARY}
    assert load(LIBRARY) is lib


def test_a_plain_construct_is_placed_by_its_scopes(lib):
    from constructs import Construct

    class TeamConstruct(Construct):  # a team's own construct: only constructs.Construct in its classes
        pass

    stack = lib.TerraformStack(lib.Testing.app(), "s")
    inner = TeamConstruct(TeamConstruct(stack, "outer"), "inner")
    assert library_of(inner) == LIBRARY


def _node(path, scopes):
    return SimpleNamespace(path=path, scopes=scopes)


def _fake(module: str, name: str, path: str, scopes=()):
    cls = type(name, (), {"__module__": module})
    obj = cls()
    obj.node = _node(path, list(scopes))
    return obj


def test_a_tree_mixing_both_libraries_is_refused():
    app = _fake("cdktf", "App", "")
    stack = _fake("cdktn", "TerraformStack", "s", [app])
    expected = r"mixes cdktf and cdktn classes \(cdktf: App \(root\), cdktn: TerraformStack s\)"
    with pytest.raises(TypeError, match=expected):
        library_of(_fake("constructs", "Construct", "s/c", [app, stack]))


def test_the_library_comes_from_the_class_hierarchy_not_from_what_is_importable():
    cdktn_app = _fake("cdktn", "App", "")
    team_stack = _fake("team.stacks", "ReportsStack", "reports", [cdktn_app])
    assert library_of(team_stack) == "cdktn"
    assert library_of(_fake("cdktf._jsii", "Thing", "x")) == "cdktf"


def test_objects_outside_any_tree_are_refused_by_name():
    with pytest.raises(TypeError, match=r"expected a construct of cdktf or cdktn .* got dict"):
        library_of({})
    with pytest.raises(TypeError, match="'lonely' is not in a cdktf or cdktn construct tree"):
        library_of(_fake("constructs", "Construct", "lonely"))
    with pytest.raises(ValueError, match="unknown CDK for Terraform library 'pulumi'"):
        load("pulumi")
    assert sorted(LIBRARIES) == ["cdktf", "cdktn"]
