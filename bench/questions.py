"""`./kefu bench questions`: the end-to-end question set through the running bot.

Starts the servers on a scratch copy of the demo data, asks every question of
tests/e2e/questions/ (or, with `--language zh`, the Chinese set of
tests/e2e/questions_zh/) in a fresh conversation (as the widget opens one), and prints
the share answered correctly, overall and per style, the share of unanswerable
questions handled safely, and some misses (see ops/question_set.py for how replies
are judged). `--misses N` shows more of them; `--only STYLE` asks one style.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Optional

from ops.question_set import (
    QUESTIONS_DIRS,
    judge,
    judge_unanswerable,
    load_questions,
    load_unanswerable,
    report,
    run_all,
)
from ops.scratch_stack import demo_database, scratch_config
from ops.servers import Stack
from ops.training import ensure_model


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./kefu bench questions", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--misses", type=int, default=20, help="how many misses to print")
    parser.add_argument("--only", help="ask only the questions of this style")
    parser.add_argument(
        "--language", choices=sorted(QUESTIONS_DIRS), default="en", help="which set to ask"
    )
    args = parser.parse_args(argv)
    folder = QUESTIONS_DIRS[args.language]
    questions = [q for q in load_questions(folder) if not args.only or q.style == args.only]
    unanswerable = [
        u for u in load_unanswerable(folder) if not args.only or u.style == args.only
    ]
    model = ensure_model()
    with tempfile.TemporaryDirectory(prefix="kefu-questions-") as scratch:
        work = Path(scratch)
        db = demo_database(work / "kefu.db")
        db.dispose()
        config = scratch_config(work, model, db.url)
        print(f"[bench] asking {len(questions)} + {len(unanswerable)} questions...", flush=True)
        with Stack(config):
            started = time.monotonic()
            answered = run_all(config.rasa_url, questions, judge)
            safe = run_all(config.rasa_url, unanswerable, judge_unanswerable)
            seconds = time.monotonic() - started
    print(report(answered, safe, args.misses))
    print(
        f"\n({len(questions) + len(unanswerable)} conversations in {seconds:.0f} s, model {model.name})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
