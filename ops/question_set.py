"""The end-to-end question set: customers' questions written apart from the training
data (tests/e2e/questions/), asked of the running bot the way the widget asks them,
and judged on the reply the customer reads.

A question counts as answered when every one of its regular expressions matches the
bot's whole reply (case-insensitive); an answer the bot is not sure of, a fallback or
a request to verify first are all misses. An unanswerable question is handled
safely when the reply quotes no help-center article (the bot says it is not sure,
offers topics or a person, or says it is out of scope).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from ops.chat_client import RestChat
from ops.paths import ROOT

QUESTIONS_DIR = ROOT / "tests" / "e2e" / "questions"
# The Chinese set, written the same way from its own brief.
QUESTIONS_DIRS = {"en": QUESTIONS_DIR, "zh": ROOT / "tests" / "e2e" / "questions_zh"}
# What a confident FAQ answer carries (actions/faq.py): the article it quotes.
ARTICLE_LINK = re.compile(r"/help/[\w-]+#[\w-]+")


@dataclass(frozen=True)
class Question:
    text: str
    style: str
    fact: str
    expect: tuple
    source: str


@dataclass(frozen=True)
class Unanswerable:
    text: str
    style: str
    why: str
    source: str


@dataclass
class Verdict:
    text: str
    style: str
    fact: str
    ok: bool
    reply: str
    missing: List[str] = field(default_factory=list)


def load_questions(folder: Path = QUESTIONS_DIR) -> List[Question]:
    found = []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("questions") or []:
            found.append(
                Question(
                    text=str(item["text"]),
                    style=str(item["style"]),
                    fact=str(item.get("fact", "")),
                    expect=tuple(str(p) for p in item["expect"]),
                    source=path.name,
                )
            )
    return found


def load_unanswerable(folder: Path = QUESTIONS_DIR) -> List[Unanswerable]:
    found = []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
            "unanswerable"
        ) or []:
            found.append(
                Unanswerable(
                    str(item["text"]),
                    str(item["style"]),
                    str(item.get("why_unanswerable", "")),
                    path.name,
                )
            )
    return found


def ask(rasa_url: str, text: str) -> str:
    """The whole reply to `text` in a fresh conversation opened as the widget opens
    one (its silent greeting first)."""
    chat = RestChat(rasa_url, timeout=60)
    chat.send("/greet", {"silent": True})
    return "\n".join(chat.say(text))


def judge(question: Question, reply: str) -> Verdict:
    missing = [p for p in question.expect if not re.search(p, reply, re.IGNORECASE)]
    return Verdict(question.text, question.style, question.fact, not missing, reply, missing)


def judge_unanswerable(item: Unanswerable, reply: str) -> Verdict:
    quoted = ARTICLE_LINK.search(reply)
    return Verdict(item.text, item.style, item.why, quoted is None, reply)


def run_all(rasa_url: str, items: Iterable, judge_one, workers: int = 4) -> List[Verdict]:
    items = list(items)
    with ThreadPoolExecutor(workers) as pool:
        replies = list(pool.map(lambda item: ask(rasa_url, item.text), items))
    return [judge_one(item, reply) for item, reply in zip(items, replies, strict=True)]


def share(verdicts: List[Verdict]) -> float:
    return sum(v.ok for v in verdicts) / len(verdicts) if verdicts else float("nan")


def by_style(verdicts: List[Verdict]) -> Dict[str, List[Verdict]]:
    grouped: Dict[str, List[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        grouped[verdict.style].append(verdict)
    return dict(sorted(grouped.items()))


def report(answered: List[Verdict], unanswerable: List[Verdict], misses: Optional[int] = 20) -> str:
    lines = [
        f"answered correctly: {sum(v.ok for v in answered)} of {len(answered)} "
        f"({share(answered):.1%})",
        f"unanswerable handled safely: {sum(v.ok for v in unanswerable)} of {len(unanswerable)} "
        f"({share(unanswerable):.1%})",
        "",
        f"{'style':16} {'answered':>12} {'unanswerable safe':>20}",
    ]
    safe = by_style(unanswerable)
    for style, group in by_style(answered).items():
        other = safe.get(style, [])
        lines.append(
            f"{style:16} {sum(v.ok for v in group):>4}/{len(group):<4} {share(group):>5.0%}"
            + (
                f" {sum(v.ok for v in other):>9}/{len(other):<4} {share(other):>5.0%}"
                if other
                else ""
            )
        )
    for style in sorted(set(safe) - set(by_style(answered))):
        other = safe[style]
        lines.append(
            f"{style:16} {'':>17} {sum(v.ok for v in other):>4}/{len(other):<4} {share(other):>5.0%}"
        )
    wrong_facts = Counter(v.fact for v in answered if not v.ok)
    if wrong_facts:
        lines += [
            "",
            "facts missed most: " + ", ".join(f"{f} ({n})" for f, n in wrong_facts.most_common(8)),
        ]
    if misses:
        shown = [v for v in answered if not v.ok][:misses]
        shown += [v for v in unanswerable if not v.ok][: max(0, misses - len(shown))]
        if shown:
            lines += ["", "some misses:"]
            for verdict in shown:
                first_line = (
                    verdict.reply.strip().splitlines()[0][:110] if verdict.reply.strip() else ""
                )
                lines.append(f"- [{verdict.style}] {verdict.text[:90]!r}")
                lines.append(
                    f"    missing {verdict.missing or 'a safe answer'}; replied: {first_line!r}"
                )
    return "\n".join(lines)
