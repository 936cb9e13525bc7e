"""One exception root: an embedder catches `PromorulesError`, and each error carries its exit code and problems."""

import pytest
from click.testing import CliRunner

import promorules
from promorules import EngineError, InputError, PromorulesError, RulesetError, load_ruleset, read_facts
from promorules.cli import main
from promorules.engine.compiler import NetworkError


def test_a_ruleset_mistake_is_caught_as_the_root_with_its_place_and_exit_code(tmp_path):
    (tmp_path / "ruleset.yaml").write_text("name: broken\nversion: 1\nunknown_key: 1\n")
    with pytest.raises(PromorulesError) as caught:
        load_ruleset(tmp_path)
    assert isinstance(caught.value, RulesetError) and isinstance(caught.value, InputError)
    assert caught.value.exit_code == 2 and caught.value.http_status == 422
    assert any(str(p).startswith(str(tmp_path / "ruleset.yaml")) for p in caught.value.problems)


def test_bad_facts_are_caught_as_the_root_and_the_cli_exits_with_the_same_code(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("as_of: 2026-11-24\nfrustrated: maybe\n")
    with pytest.raises(PromorulesError) as caught:
        read_facts(str(facts))
    assert [p.field for p in caught.value.problems] == ["frustrated"]
    result = CliRunner().invoke(main, ["advise", str(facts)])
    assert result.exit_code == caught.value.exit_code == 2
    assert "frustrated" in result.output


def test_engine_and_network_errors_share_the_root_and_keep_their_old_bases():
    assert issubclass(EngineError, PromorulesError) and issubclass(EngineError, RuntimeError)
    assert issubclass(NetworkError, PromorulesError) and issubclass(NetworkError, ValueError)
    assert (EngineError.exit_code, NetworkError.exit_code) == (1, 2)
    assert {"PromorulesError", "InputError", "RulesetError", "EngineError"} <= set(promorules.__all__)
