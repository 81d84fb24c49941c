"""Kefu's NLU pipeline on public intent data sets (Banking77, CLINC150), as deployed.

The pipeline is copied from config.yml at run time, FallbackClassifier included, and
trained and loaded through Rasa's own API, so the figures are those of the bot a
customer talks to rather than of the classifier alone: a message the FallbackClassifier
turns into nlu_fallback is a miss, however right the classifier's guess underneath.
Every parse keeps the classifier's ranking, so the fallback thresholds can be swept
afterwards in pure Python without training or parsing again (the scoring functions
below are pure and tested in tests/ops/test_nlu_benchmark.py).
"""

from __future__ import annotations

import asyncio
import csv
import json
import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

import yaml

from ops.paths import ROOT

DEFAULT_DATA = ROOT.parent / "shared" / "datasets"
FALLBACK = "nlu_fallback"
# What "caught as out of scope" means: the FallbackClassifier fired, or (with
# --oos-train) the classifier chose the out-of-scope class it was trained on.
OUT_OF_SCOPE = frozenset({FALLBACK, "oos"})
SWEEP = [round(0.1 + 0.05 * i, 2) for i in range(17)]  # 0.10 .. 0.90


class Example(NamedTuple):
    text: str
    intent: str


@dataclass
class Dataset:
    """One data set's splits; `oos_*` and `val` are empty where it has none."""

    name: str
    train: List[Example]
    test: List[Example]
    val: List[Example] = field(default_factory=list)
    oos_val: List[Example] = field(default_factory=list)
    oos_test: List[Example] = field(default_factory=list)
    note: str = ""


class Parsed(NamedTuple):
    """One parsed message: its label, what the deployed bot saw, and the classifier's
    own ranking (nlu_fallback removed), from which any threshold can be replayed."""

    label: str
    deployed: str
    ranking: Tuple[Tuple[str, float], ...]
    seconds: float


class SweepRow(NamedTuple):
    threshold: float
    in_scope_accuracy: float
    oos_recall: Optional[float]
    fallback_rate: float


def read_banking77_csv(path: Path) -> List[Example]:
    """Rows of a Banking77 csv (columns text,category)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not {"text", "category"} <= set(reader.fieldnames or ()):
            raise ValueError(f"{path}: expected columns text,category, got {reader.fieldnames}")
        return [Example(row["text"].strip(), row["category"].strip()) for row in reader]


def read_clinc150_json(path: Path) -> Dict[str, List[Example]]:
    """The splits of CLINC150's data_full.json, each a list of [text, intent] rows."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    missing = {"train", "val", "test", "oos_train", "oos_val", "oos_test"} - set(raw)
    if missing:
        raise ValueError(f"{path}: missing splits {sorted(missing)}")
    return {
        split: [Example(str(t).strip(), str(i)) for t, i in rows] for split, rows in raw.items()
    }


def _require(path: Path) -> Path:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found; point --data at the folder holding banking77/ and clinc150/"
        )
    return path


def load_banking77(data: Path) -> Dataset:
    folder = data / "banking77"
    train = read_banking77_csv(_require(folder / "train.csv"))
    test = read_banking77_csv(_require(folder / "test.csv"))
    return Dataset("banking77", train, test, note="no val split")


def load_clinc150(data: Path, oos_train: bool = False) -> Dataset:
    """CLINC150 "full"; oos_train adds the 100 out-of-scope training rows as intent
    'oos', which Kefu's own data has no counterpart of, hence off by default."""
    splits = read_clinc150_json(_require(data / "clinc150" / "data_full.json"))
    train = splits["train"] + (splits["oos_train"] if oos_train else [])
    note = "trained with oos_train" if oos_train else "trained without oos_train"
    rest = [splits[k] for k in ("test", "val", "oos_val", "oos_test")]
    return Dataset("clinc150", train, *rest, note=note)


def limit_per_intent(examples: Iterable[Example], n: Optional[int]) -> List[Example]:
    """The first n examples of every intent, for a quick smoke run."""
    if n is None:
        return list(examples)
    seen: Counter = Counter()
    kept = []
    for example in examples:
        if seen[example.intent] < n:
            seen[example.intent] += 1
            kept.append(example)
    return kept


def spread(examples: Sequence[Example], n: Optional[int]) -> List[Example]:
    """At most n examples evenly spaced over the list; the files are grouped by intent,
    so a small sample still covers most intents."""
    if n is None or n >= len(examples):
        return list(examples)
    return [examples[i * len(examples) // n] for i in range(n)]


def deployed_config(config_path: Path) -> Dict[str, Any]:
    """config.yml's language and pipeline (every component and setting); no policies,
    and no importers, so that only the data set's own examples train the classifier."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    kept = {"recipe": config.get("recipe", "default.v1"), "language": config.get("language")}
    if config.get("assistant_id"):
        kept["assistant_id"] = config["assistant_id"]
    kept["pipeline"] = config.get("pipeline") or []
    return kept


def fallback_settings(pipeline: Sequence[Dict[str, Any]]) -> Optional[Tuple[float, float]]:
    """(threshold, ambiguity_threshold) the FallbackClassifier runs with, Rasa's defaults
    filling what config.yml leaves out (ambiguity 0.1 applies even when unset)."""
    from rasa.core import constants

    for component in pipeline:
        if str(component.get("name")).split(".")[-1] == "FallbackClassifier":
            default = constants.DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD
            ambiguity = component.get("ambiguity_threshold", default)
            threshold = component.get("threshold", constants.DEFAULT_NLU_FALLBACK_THRESHOLD)
            return float(threshold), float(ambiguity)
    return None


class Trained(NamedTuple):
    model: Path
    seconds: float  # wall time of train_nlu
    examples: int  # after Rasa drops exact duplicates (same text, same intent)


def train(examples: Sequence[Example], config: Dict[str, Any], workdir: Path) -> Trained:
    """Writes the examples as Rasa NLU YAML and trains with rasa's train_nlu. Rasa's
    training cache is switched off, so a second run is timed like the first and nothing
    lands in the project's .rasa/cache."""
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader, RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message.build(text=e.text, intent=e.intent) for e in examples])
    nlu_path, config_path = workdir / "nlu.yml", workdir / "config.yml"
    RasaYAMLWriter().dump(nlu_path, data)
    back = RasaYAMLReader().read(nlu_path).training_examples
    if {(m.get("text"), m.get("intent")) for m in back} != set(examples):
        # e.g. "[x](y)" in a text would read back as an entity annotation
        raise ValueError("the data set does not survive the trip through Rasa NLU YAML")
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    started = time.monotonic()
    model = train_nlu(
        config=str(config_path), nlu_data=str(nlu_path), output=str(workdir / "models")
    )
    seconds = time.monotonic() - started
    if not model:
        raise RuntimeError("train_nlu produced no model (see its output above)")
    return Trained(Path(model), seconds, len(back))


def parse(model: Path, splits: Dict[str, Sequence[Example]]) -> Dict[str, List[Parsed]]:
    """Every message through the loaded model one at a time, as the bot parses a
    customer's message (Agent.parse_message takes a single text), timing each."""
    from rasa.core.agent import Agent

    async def run() -> Dict[str, List[Parsed]]:
        agent = Agent.load(str(model))
        results: Dict[str, List[Parsed]] = {}
        for split, examples in splits.items():
            results[split] = []
            for example in examples:
                started = time.perf_counter()
                data = await agent.parse_message(example.text)
                seconds = time.perf_counter() - started
                ranking = tuple(
                    (r["name"], float(r["confidence"]))
                    for r in data.get("intent_ranking") or []
                    if r["name"] != FALLBACK
                )
                deployed = (data.get("intent") or {}).get("name") or ""
                results[split].append(Parsed(example.intent, deployed, ranking, seconds))
        return results

    return asyncio.run(run())


def decide(ranking: Sequence[Tuple[str, float]], threshold: float, ambiguity: float) -> str:
    """The intent the bot gets, replaying FallbackClassifier's rule on a ranking."""
    if not ranking or ranking[0][1] < threshold:
        return FALLBACK
    if len(ranking) >= 2 and ranking[0][1] - ranking[1][1] < ambiguity:
        return FALLBACK
    return ranking[0][0]


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def accuracy(records: Sequence[Parsed]) -> float:
    """As deployed: right only when the bot's intent is the label (fallback = miss)."""
    return _share([r.deployed == r.label for r in records])


def top_accuracy(records: Sequence[Parsed]) -> float:
    """The classifier's top intent ignoring fallback (what `rasa test nlu` reports)."""
    return _share([bool(r.ranking) and r.ranking[0][0] == r.label for r in records])


def fallback_rate(records: Sequence[Parsed]) -> float:
    return _share([r.deployed == FALLBACK for r in records])


def oos_recall(records: Sequence[Parsed]) -> float:
    """Share of out-of-scope messages the bot does not mistake for an intent."""
    return _share([r.deployed in OUT_OF_SCOPE for r in records])


def macro_f1(records: Sequence[Parsed]) -> float:
    """Mean F1 over the labels present, as deployed: a fallback is a false negative of
    the true intent and a false positive of none."""
    tp: Counter = Counter()
    predicted: Counter = Counter()
    actual: Counter = Counter(r.label for r in records)
    for r in records:
        predicted[r.deployed] += 1
        tp[r.label] += r.deployed == r.label
    scores = [2 * tp[label] / (actual[label] + predicted[label]) for label in actual]
    return sum(scores) / len(scores) if scores else 0.0


def replay(records: Sequence[Parsed], threshold: float, ambiguity: float) -> List[Parsed]:
    """The records as the bot would have seen them with other fallback thresholds."""
    return [r._replace(deployed=decide(r.ranking, threshold, ambiguity)) for r in records]


def sweep(
    in_scope: Sequence[Parsed],
    oos: Sequence[Parsed],
    ambiguity: float,
    thresholds: Sequence[float] = SWEEP,
) -> List[SweepRow]:
    rows = []
    for t in thresholds:
        inside = replay(in_scope, t, ambiguity)
        recall = oos_recall(replay(oos, t, ambiguity)) if oos else None
        rows.append(SweepRow(t, accuracy(inside), recall, fallback_rate(inside)))
    return rows


def choose(rows: Sequence[SweepRow], min_recall: float = 0.85) -> Optional[SweepRow]:
    """The most accurate threshold whose OOS recall is at least min_recall; lowest
    threshold on ties, since it falls back least. None when none qualifies."""
    fit = [r for r in rows if r.oos_recall is not None and r.oos_recall >= min_recall]
    return max(fit, key=lambda r: (r.in_scope_accuracy, -r.threshold)) if fit else None


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
