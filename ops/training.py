"""Train a Rasa model only when none matches the current training data.

The model's file name carries a hash of everything that shapes it (config, domain,
NLU data, rules, stories, the knowledge-base questions the importer feeds to NLU,
the importer itself and the Rasa version), so "is there a model for this data?" is a
file check that costs nothing, and Rasa's own cache speeds up a partial retrain.
"""

from __future__ import annotations

import hashlib
import subprocess
import time
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, Optional

from ops.paths import MODELS, ROOT, tool

TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "domain",
    "data",
    "knowledge_base/articles",
    "knowledge_base/not_answered.yml",
    # its `order_numbers` format becomes the order_id entity pattern
    "knowledge_base/company.yml",
    # Of the reply catalogue only the Rasa responses go into the model (the actions,
    # the desk and the console read the rest when they run): a reworded console
    # text must not cost a retrain.
    "knowledge_base/replies/responses.yml",
    "knowledge_base/zh/replies/responses.yml",
    "knowledge_base/zh/articles",
    "knowledge_base/zh/not_answered.yml",
    "knowledge_base/zh/company.yml",
    "kefu_rasa/kb_importer.py",
    "kefu_rasa/domain_importer.py",
    "kefu_rasa/language_policy.py",
    "helpdesk/replies.py",
    "helpdesk/language.py",
    "kefu_rasa/intent_classifier.py",
    "kefu_rasa/sentence_featurizer.py",
    "kefu_rasa/question_router.py",
    "helpdesk/sentence_encoder.py",
    "helpdesk/knowledge.py",
    "helpdesk/text_classifier.py",
    "helpdesk/parsing.py",
    "helpdesk/chinese_text.py",
    "helpdesk/order_numbers.py",
    "helpdesk/text_normalization.py",
)


def _files(paths: Iterable[str]) -> Iterable[Path]:
    for name in paths:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )


def training_fingerprint() -> str:
    digest = hashlib.sha256(f"rasa {version('rasa')}".encode())
    for path in _files(TRAINING_INPUTS):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    return MODELS / f"kefu-{training_fingerprint()}.tar.gz"


def ensure_model(log: Optional[Path] = None) -> Path:
    """The model for the current data, training it first when there is none."""
    target = model_path()
    if target.exists():
        print(f"[kefu] model up to date: {target.relative_to(ROOT)}", flush=True)
        return target
    print("[kefu] training a model for the current data (a few minutes)...", flush=True)
    started = time.monotonic()
    command = [
        tool("rasa"),
        "train",
        "--out",
        str(MODELS),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
    ]
    if log is None:
        subprocess.run(command, cwd=ROOT, check=True)
    else:
        with open(log, "w") as output:
            result = subprocess.run(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise RuntimeError(f"training failed; the whole output is in {log}:\n{tail}")
    print(
        f"[kefu] trained {target.relative_to(ROOT)} in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return target
