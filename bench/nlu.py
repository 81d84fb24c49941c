"""`./kefu bench nlu`: Kefu's NLU pipeline on Banking77 and CLINC150, as deployed.

Trains config.yml's pipeline (FallbackClassifier included) on each public data set
with Rasa's train_nlu, parses the test messages one at a time through the loaded
model, and prints accuracy as the bot sees it (nlu_fallback is a miss), the
classifier's own top-intent accuracy, fallback rate, macro-F1, out-of-scope recall
(CLINC150), parse latency, peak memory, and a sweep of the fallback threshold over
the recorded confidences (chosen on CLINC150's val split; informational on
Banking77's test). `--limit-train 20 --limit-test 300` is a smoke run of a few
minutes; see ops/nlu_benchmark.py for the definitions.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from ops import nlu_benchmark as nb
from ops.paths import ROOT

MIN_RECALL = 0.85


def pct(value: Optional[float]) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def quiet_rasa() -> None:
    """Rasa's logging as `rasa run --quiet` sets it up: without this, structlog prints
    every parse at debug level, which floods the output and inflates the latency.
    Libraries' deprecation warnings are hidden too; Rasa's own warnings stay."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    import sanic  # noqa: F401  (on import it asks for every DeprecationWarning once)

    os.environ["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=PendingDeprecationWarning)


def describe(pipeline: Sequence[Dict[str, Any]]) -> str:
    """The pipeline as one line per component with its settings, for the output."""
    lines = []
    for component in pipeline:
        settings = ", ".join(f"{k}={v}" for k, v in component.items() if k != "name")
        lines.append(f"  - {component.get('name')}" + (f" ({settings})" if settings else ""))
    return "\n".join(lines)


def print_sweep(rows: Sequence[nb.SweepRow], deployed: float, title: str) -> None:
    print(f"  {title}")
    print("    threshold  in-scope acc  OOS recall  fallback")
    for r in rows:
        mark = "  <- config.yml" if abs(r.threshold - deployed) < 1e-9 else ""
        print(
            f"    {r.threshold:9.2f}  {pct(r.in_scope_accuracy):>12}  {pct(r.oos_recall):>10}"
            f"  {pct(r.fallback_rate):>8}{mark}"
        )


def run_dataset(
    dataset: nb.Dataset, config: Dict[str, Any], args: argparse.Namespace
) -> Dict[str, Any]:
    fallback = nb.fallback_settings(config["pipeline"])
    threshold, ambiguity = fallback if fallback else (0.0, 0.0)
    train = nb.limit_per_intent(dataset.train, args.limit_train)
    splits = {
        name: nb.spread(getattr(dataset, name), args.limit_test)
        for name in ("test", "oos_test", "val", "oos_val")
        if getattr(dataset, name)
    }
    sizes = ", ".join(f"{name} {len(rows)}" for name, rows in splits.items())
    print(f"\n=== {dataset.name} ({dataset.note}) ===")
    print(
        f"  train {len(train)} examples, {len({e.intent for e in train})} intents; parse {sizes}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="kefu-nlu-bench-") as scratch:
        trained = nb.train(train, config, Path(scratch))
        dropped = len(train) - trained.examples
        print(
            f"  trained in {trained.seconds:.1f} s on {trained.examples} examples"
            f" ({dropped} exact duplicates dropped by Rasa); parsing...",
            flush=True,
        )
        parsed = nb.parse(trained.model, splits)
    test, oos = parsed["test"], parsed.get("oos_test", [])
    latencies = [r.seconds * 1000 for rows in parsed.values() for r in rows]
    replayed = nb.replay(test + oos, threshold, ambiguity) if fallback else test + oos
    agree = sum(a.deployed == b.deployed for a, b in zip(replayed, test + oos, strict=True))
    figures: Dict[str, Any] = {
        "dataset": dataset.name,
        "train": trained.examples,
        "test": len(test) + len(oos),
        "train_s": trained.seconds,
        "accuracy": nb.accuracy(test),
        "top": nb.top_accuracy(test),
        "fallback": nb.fallback_rate(test),
        "f1": nb.macro_f1(test),
        "oos": nb.oos_recall(oos) if oos else None,
        "p50": nb.percentile(latencies, 50),
        "p95": nb.percentile(latencies, 95),
        "rss": nb.peak_rss_mb(),
    }
    print(f"  FallbackClassifier: threshold {threshold}, ambiguity_threshold {ambiguity}")
    print(f"  accuracy as deployed (fallback = miss)  {pct(figures['accuracy'])}")
    print(f"  classifier top intent, fallback ignored {pct(figures['top'])}")
    print(f"  fallback rate on in-scope test          {pct(figures['fallback'])}")
    print(f"  macro-F1 as deployed (in-scope labels)  {100 * figures['f1']:5.1f}")
    if oos:
        print(f"  out-of-scope recall (oos_test)          {pct(figures['oos'])}")
    print(
        f"  parse latency p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms "
        f"({len(latencies)} single-message parses); peak RSS so far {figures['rss']:.0f} MB"
    )
    print(
        f"  replaying config.yml's thresholds on the recorded rankings matches {agree}/{len(replayed)}"
    )
    if fallback and ambiguity > 0:
        plain = nb.replay(test, threshold, 0.0)
        print(
            f"  without the ambiguity rule (top1 - top2 < {ambiguity}): accuracy "
            f"{pct(nb.accuracy(plain))}, fallback {pct(nb.fallback_rate(plain))}"
            + (f", OOS recall {pct(nb.oos_recall(nb.replay(oos, threshold, 0.0)))}" if oos else "")
        )
    if not fallback:
        print("  no FallbackClassifier in config.yml: no sweep")
    elif "val" in parsed:
        rows = nb.sweep(parsed["val"], parsed.get("oos_val", []), ambiguity)
        print_sweep(rows, threshold, f"val sweep (val + oos_val, ambiguity {ambiguity} kept)")
        best = nb.choose(rows, MIN_RECALL)
        if best is None:
            print(f"  no threshold reaches OOS recall {MIN_RECALL:.2f} on val")
        else:
            inside = nb.replay(test, best.threshold, ambiguity)
            outside = nb.replay(oos, best.threshold, ambiguity)
            figures["chosen"] = (best.threshold, nb.accuracy(inside), nb.oos_recall(outside))
            print(
                f"  chosen on val (max in-scope accuracy with OOS recall >= {MIN_RECALL:.2f}): "
                f"threshold {best.threshold:.2f}\n  on test at {best.threshold:.2f}: in-scope "
                f"accuracy {pct(nb.accuracy(inside))}, OOS recall {pct(nb.oos_recall(outside))}, "
                f"fallback {pct(nb.fallback_rate(inside))}, macro-F1 {100 * nb.macro_f1(inside):.1f}"
            )
    else:
        rows = nb.sweep(test, oos, ambiguity)
        print_sweep(rows, threshold, "test sweep (informational, not for choosing)")
    return figures


def print_table(results: List[Dict[str, Any]]) -> None:
    head = (
        f"{'data set':<10} {'train':>6} {'test':>5} {'train s':>7} {'acc':>6} {'top-1':>6} "
        f"{'fallbk':>6} {'mF1':>5} {'OOS rc':>6} {'p50 ms':>6} {'p95 ms':>6} {'RSS MB':>6}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for f in results:
        print(
            f"{f['dataset']:<10} {f['train']:>6} {f['test']:>5} {f['train_s']:>7.1f} "
            f"{pct(f['accuracy']):>6} {pct(f['top']):>6} {pct(f['fallback']):>6} "
            f"{100 * f['f1']:>5.1f} {pct(f['oos']):>6} {f['p50']:>6.1f} {f['p95']:>6.1f} "
            f"{f['rss']:>6.0f}"
        )
    for f in results:
        if "chosen" in f:
            t, acc, recall = f["chosen"]
            print(
                f"{f['dataset']}: threshold {t:.2f} chosen on val -> test acc {pct(acc)}, OOS {pct(recall)}"
            )
    print(
        "acc = top intent as deployed (nlu_fallback a miss); top-1 = classifier, fallback "
        "ignored;\nacc, top-1, fallback and mF1 on in-scope test; RSS = process peak so far."
    )


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="./kefu bench nlu", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["banking77", "clinc150", "all"], default="all")
    parser.add_argument(
        "--data", type=Path, default=nb.DEFAULT_DATA, help="folder of the data sets"
    )
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument(
        "--limit-train", type=int, metavar="N", help="N training examples per intent"
    )
    parser.add_argument("--limit-test", type=int, metavar="N", help="at most N messages per split")
    parser.add_argument("--oos-train", action="store_true", help="CLINC150: train on oos_train too")
    args = parser.parse_args(argv)
    config = nb.deployed_config(args.config)
    names = ["banking77", "clinc150"] if args.dataset == "all" else [args.dataset]
    try:
        datasets = [
            nb.load_banking77(args.data)
            if n == "banking77"
            else nb.load_clinc150(args.data, args.oos_train)
            for n in names
        ]
    except (FileNotFoundError, ValueError) as error:
        print(f"[bench nlu] {error}", file=sys.stderr)
        return 2
    quiet_rasa()
    print(f"[bench nlu] pipeline of {args.config}, trained without policies:")
    print(describe(config["pipeline"]))
    results = [run_dataset(dataset, config, args) for dataset in datasets]
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
