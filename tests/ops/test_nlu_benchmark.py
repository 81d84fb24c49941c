"""`./kefu bench nlu`'s scoring and loading (ops/nlu_benchmark.py), without training:
accuracy counts nlu_fallback as a miss, the threshold replay reproduces the
FallbackClassifier, and the data sets' csv/json formats load as documented."""

import json

import pytest

from ops import nlu_benchmark as nb
from ops.nlu_benchmark import FALLBACK, Example, Parsed


def record(label, deployed, *ranking):
    return Parsed(label, deployed, tuple(ranking), 0.001)


def test_accuracy_as_deployed_counts_a_fallback_as_a_miss_but_top_accuracy_does_not():
    records = [
        record("a", "a", ("a", 0.9), ("b", 0.1)),
        record("a", FALLBACK, ("a", 0.2), ("b", 0.1)),
        record("b", "a", ("a", 0.6), ("b", 0.4)),
        record("b", "b", ("b", 0.7), ("a", 0.3)),
    ]
    assert nb.accuracy(records) == 0.5
    assert nb.top_accuracy(records) == 0.75
    assert nb.fallback_rate(records) == 0.25


def test_macro_f1_treats_a_fallback_as_a_false_negative_of_the_true_intent_only():
    records = [
        record("a", "a"),
        record("a", FALLBACK),
        record("b", "a"),
        record("b", "b"),
    ]
    # a: tp 1, 2 actual, 2 predicted -> 0.5; b: tp 1, 2 actual, 1 predicted -> 2/3
    assert nb.macro_f1(records) == pytest.approx((0.5 + 2 / 3) / 2)
    assert nb.macro_f1([record("a", "a"), record("b", "b")]) == 1.0
    assert nb.macro_f1([]) == 0.0


def test_out_of_scope_recall_counts_fallback_or_the_trained_oos_class_as_caught():
    oos = [record("oos", FALLBACK), record("oos", "oos"), record("oos", "a"), record("oos", "b")]
    assert nb.oos_recall(oos) == 0.5


def test_decide_replays_the_fallback_classifiers_threshold_and_ambiguity_rules():
    assert nb.decide([("a", 0.5), ("b", 0.2)], 0.3, 0.1) == "a"
    assert nb.decide([("a", 0.29), ("b", 0.1)], 0.3, 0.1) == FALLBACK
    assert nb.decide([("a", 0.5), ("b", 0.45)], 0.3, 0.1) == FALLBACK
    assert nb.decide([("a", 0.5), ("b", 0.45)], 0.3, 0.0) == "a"
    assert nb.decide([("a", 0.3)], 0.3, 0.1) == "a"  # not below: no fallback, like Rasa
    assert nb.decide([], 0.3, 0.1) == FALLBACK


def test_sweep_raises_fallbacks_with_the_threshold_and_choose_respects_the_recall_floor():
    in_scope = [
        record("a", "a", ("a", 0.9), ("b", 0.05)),
        record("b", "b", ("b", 0.4), ("a", 0.1)),
        record("a", "b", ("b", 0.35), ("a", 0.2)),
    ]
    oos = [record("oos", "a", ("a", 0.5), ("b", 0.1)), record("oos", "b", ("b", 0.3), ("a", 0.1))]
    rows = {r.threshold: r for r in nb.sweep(in_scope, oos, ambiguity=0.1)}
    assert list(rows) == nb.SWEEP and nb.SWEEP[0] == 0.1 and nb.SWEEP[-1] == 0.9
    assert rows[0.1].in_scope_accuracy == pytest.approx(2 / 3) and rows[0.1].oos_recall == 0.0
    assert rows[0.35] == nb.SweepRow(0.35, pytest.approx(2 / 3), 0.5, 0.0)
    assert rows[0.4].oos_recall == 0.5 and rows[0.4].fallback_rate == pytest.approx(1 / 3)
    assert rows[0.55].oos_recall == 1.0 and rows[0.55].in_scope_accuracy == pytest.approx(1 / 3)
    assert nb.choose(list(rows.values()), 0.85).threshold == 0.55
    assert nb.choose(list(rows.values()), 0.5).threshold == 0.35  # ties: lowest threshold
    assert nb.choose([nb.SweepRow(0.5, 0.9, None, 0.0)], 0.85) is None


def test_replay_at_the_deployed_thresholds_reproduces_what_the_bot_saw():
    records = [
        record("a", FALLBACK, ("a", 0.2), ("b", 0.1)),
        record("a", "a", ("a", 0.7), ("b", 0.1)),
        record("b", FALLBACK, ("a", 0.45), ("b", 0.4)),
    ]
    assert nb.replay(records, 0.25, 0.1) == records


def test_fallback_settings_fill_in_rasas_defaults():
    pipeline = [{"name": "WhitespaceTokenizer"}, {"name": "FallbackClassifier", "threshold": 0.25}]
    assert nb.fallback_settings(pipeline) == (0.25, 0.1)
    full = [{"name": "FallbackClassifier", "threshold": 0.4, "ambiguity_threshold": 0.0}]
    assert nb.fallback_settings(full) == (0.4, 0.0)
    assert nb.fallback_settings([{"name": "WhitespaceTokenizer"}]) is None


def test_deployed_config_keeps_language_and_pipeline_and_drops_policies_and_importers(tmp_path):
    (tmp_path / "config.yml").write_text(
        "recipe: default.v1\nassistant_id: x\nlanguage: en\n"
        "importers:\n  - name: RasaFileImporter\n"
        "pipeline:\n  - name: WhitespaceTokenizer\n  - name: FallbackClassifier\n"
        "    threshold: 0.3\n    ambiguity_threshold: 0.05\n"
        "policies:\n  - name: RulePolicy\n"
    )
    config = nb.deployed_config(tmp_path / "config.yml")
    assert config == {
        "recipe": "default.v1",
        "language": "en",
        "assistant_id": "x",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.05},
        ],
    }


def test_banking77_csv_loads_with_quoted_commas(tmp_path):
    folder = tmp_path / "banking77"
    folder.mkdir()
    rows = 'text,category\n"Hi, where is my card?",card_arrival\nTop up failed,top_up_failed\n'
    (folder / "train.csv").write_text(rows)
    (folder / "test.csv").write_text("text,category\nwhere's my card,card_arrival\n")
    dataset = nb.load_banking77(tmp_path)
    assert dataset.train == [
        Example("Hi, where is my card?", "card_arrival"),
        Example("Top up failed", "top_up_failed"),
    ]
    assert dataset.test == [Example("where's my card", "card_arrival")]
    assert dataset.val == [] and dataset.oos_test == []


def test_banking77_csv_with_other_columns_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("sentence,label\nhi,greet\n")
    with pytest.raises(ValueError, match="text,category"):
        nb.read_banking77_csv(tmp_path / "x.csv")


def clinc_file(tmp_path, **extra):
    splits = {
        "train": [["what is 2 plus 2", "calculator"], ["play a song", "play_music"]],
        "val": [["add 3 and 4", "calculator"]],
        "test": [["put on some jazz", "play_music"]],
        "oos_train": [["how tall is a giraffe", "oos"]],
        "oos_val": [["who won the cup", "oos"]],
        "oos_test": [["is pluto a planet", "oos"]],
        **extra,
    }
    (tmp_path / "clinc150").mkdir()
    (tmp_path / "clinc150" / "data_full.json").write_text(json.dumps(splits))


def test_clinc150_json_loads_and_trains_on_oos_train_only_when_asked(tmp_path):
    clinc_file(tmp_path)
    plain = nb.load_clinc150(tmp_path)
    assert [e.intent for e in plain.train] == ["calculator", "play_music"]
    assert plain.val == [Example("add 3 and 4", "calculator")]
    assert plain.oos_val == [Example("who won the cup", "oos")]
    assert plain.oos_test == [Example("is pluto a planet", "oos")]
    assert "without oos_train" in plain.note
    with_oos = nb.load_clinc150(tmp_path, oos_train=True)
    assert with_oos.train[-1] == Example("how tall is a giraffe", "oos")
    assert "with oos_train" in with_oos.note


def test_missing_files_and_splits_are_reported_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="--data"):
        nb.load_clinc150(tmp_path)
    with pytest.raises(FileNotFoundError, match="banking77"):
        nb.load_banking77(tmp_path)
    clinc_file(tmp_path)
    path = tmp_path / "clinc150" / "data_full.json"
    raw = json.loads(path.read_text())
    del raw["oos_test"]
    path.write_text(json.dumps(raw))
    with pytest.raises(ValueError, match="oos_test"):
        nb.load_clinc150(tmp_path)


def test_limits_keep_n_per_intent_and_spread_over_the_list():
    examples = [Example(f"{intent} {i}", intent) for intent in "abc" for i in range(10)]
    limited = nb.limit_per_intent(examples, 2)
    assert limited == [Example(f"{x} {i}", x) for x in "abc" for i in range(2)]
    assert nb.limit_per_intent(examples, None) == examples
    sample = nb.spread(examples, 6)
    assert len(sample) == 6 and {e.intent for e in sample} == {"a", "b", "c"}
    assert nb.spread(examples, 100) == examples and nb.spread(examples, None) == examples


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert nb.percentile(values, 50) == 50.0
    assert nb.percentile(values, 95) == 95.0
    assert nb.percentile([3.0], 95) == 3.0
