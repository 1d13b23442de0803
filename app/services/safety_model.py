"""The learned part of the safety checks: one linear classifier per kind (scam, crisis, personal
details) over word 1-2-grams and character 3-5-grams, trained on the labelled messages kept in
app/data/safety/train/ (and, on request, moderators' decisions). The held-out messages in
app/data/safety/heldout/ are never read here except by evaluate().

Each kind's threshold is chosen on out-of-fold scores of the training set (5-fold cross-validation):
the lowest score whose false alarms on messages without that kind stay within FALSE_ALARM_BUDGET,
so the held-out figures are an honest estimate. Training is deterministic (fixed seed, liblinear).

The artefact (app/data/safety/model.joblib, a few hundred kilobytes) is committed and loaded once per
process; `flask safety train` rebuilds it from the repository's data.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from app.services.personal_details import mask_public_numbers

KINDS = ("scam", "personal_details", "crisis")
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "safety"
TRAIN_DIR = DATA_DIR / "train"
HELDOUT_DIR = DATA_DIR / "heldout"
MODEL_FILE = DATA_DIR / "model.joblib"
SEED = 20261201
FOLDS = 5
# Per kind, the share of ordinary messages that may score above its threshold (out of fold). A false
# alarm for crisis publishes the writing and shows support lines, so crisis may alarm a little more;
# scam and personal details hold the writing, so they may alarm less.
FALSE_ALARM_BUDGET = {"scam": 0.005, "personal_details": 0.005, "crisis": 0.012}
MAX_CHARS = 4000  # longer messages are judged on their start and end


@dataclass
class Labelled:
    text: str
    kinds: frozenset[str]


def read_labelled(paths) -> list[Labelled]:
    """JSON lines {"text": ..., "kinds": [...]} from files or folders; bad lines are skipped with a note."""
    rows = []
    files = []
    for path in paths:
        path = Path(path)
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["text"]
                kinds = frozenset(item.get("kinds") or [])
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(text, str) and text.strip() and kinds <= set(KINDS):
                rows.append(Labelled(text, kinds))
    return rows


def prepare(text: str) -> str:
    """What the model reads: folded case and accents, every digit as 0 (the shape of a number
    matters, not which number), long texts cut to their start and end."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"\d", "0", text)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS // 2] + " " + text[-MAX_CHARS // 2:]
    return text


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b|£")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                  max_features=60000)),
    ])


def _classifier():
    # A linear SVM did best in cross-validation on the training set (recall at a fixed false-alarm
    # rate) among logistic regression at several C and SVMs; its margin is the score.
    from sklearn.svm import LinearSVC

    return LinearSVC(C=1.0, class_weight="balanced", random_state=SEED, max_iter=5000)


def _threshold(scores, labels, budget: float) -> float:
    """The lowest threshold keeping out-of-fold false alarms within the budget."""
    negatives = sorted((s for s, y in zip(scores, labels) if not y), reverse=True)
    allowed = int(math.floor(budget * len(negatives)))
    if not negatives:
        return 0.0
    # Just above the (allowed+1)-th highest negative score.
    bar = negatives[min(allowed, len(negatives) - 1)]
    return float(bar + 1e-6)


def train(rows: list[Labelled]) -> dict:
    """Fit the vectoriser and one classifier per kind; choose thresholds by cross-validation."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    texts = [prepare(mask_public_numbers(row.text)) for row in rows]
    artefact = {"kinds": {}, "trained_on": len(rows), "seed": SEED,
                "data_sha256": hashlib.sha256("\n".join(sorted(r.text for r in rows)).encode()).hexdigest()}
    vectoriser = _vectoriser().fit(texts)
    features = vectoriser.transform(texts)
    labels = {kind: np.array([kind in row.kinds for row in rows], dtype=int) for kind in KINDS}
    kinds = [kind for kind in KINDS if FOLDS <= labels[kind].sum() <= len(rows) - FOLDS]
    # Out-of-fold scores: one split for all kinds (stratified on the label set), and the vectoriser
    # too is fitted without the messages being scored.
    strata = ["+".join(sorted(row.kinds)) or "ordinary" for row in rows]
    counts = {s: strata.count(s) for s in set(strata)}
    strata = [s if counts[s] >= FOLDS else "rare" for s in strata]
    oof = {kind: np.zeros(len(rows)) for kind in kinds}
    for fit_idx, test_idx in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, strata):
        fold_vectoriser = _vectoriser().fit([texts[i] for i in fit_idx])
        fit_x = fold_vectoriser.transform([texts[i] for i in fit_idx])
        test_x = fold_vectoriser.transform([texts[i] for i in test_idx])
        for kind in kinds:
            if labels[kind][fit_idx].min() == labels[kind][fit_idx].max():
                continue
            model = _classifier().fit(fit_x, labels[kind][fit_idx])
            oof[kind][test_idx] = model.decision_function(test_x)
    ordinary = np.array([not row.kinds for row in rows])
    for kind in kinds:
        scores, y = oof[kind], labels[kind]
        # False alarms that matter are on ordinary messages (another kind's flag still gets help).
        threshold = _threshold(scores[(y == 1) | ordinary], y[(y == 1) | ordinary], FALSE_ALARM_BUDGET[kind])
        artefact["kinds"][kind] = {
            "model": _classifier().fit(features, y), "threshold": threshold,
            "cv_recall": float(((scores >= threshold) & (y == 1)).sum() / max(y.sum(), 1)),
            "cv_false_alarms": float(((scores >= threshold) & (y == 0)).sum() / max((y == 0).sum(), 1)),
        }
    for _name, part in vectoriser.transformer_list:
        # The n-grams left out by max_features: not needed to predict, large, and a set (its order
        # changes between runs, which would make the same model a different file).
        if hasattr(part, "stop_words_"):
            del part.stop_words_
    artefact["vectoriser"] = vectoriser
    return artefact


def save(artefact: dict, path: Path = MODEL_FILE) -> None:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(artefact, path, compress=("zlib", 6))
    load.cache_clear()


_LOADING = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: Path) -> dict | None:
    if not path.exists():
        return None
    import joblib

    return joblib.load(path)


def load(path: Path = MODEL_FILE) -> dict | None:
    """The trained artefact, read once per process (the lock: a request arriving while the start-up
    thread reads it waits for that read instead of starting a second); None if it is not built."""
    with _LOADING:
        return _load(path)


load.cache_clear = _load.cache_clear


def scores(text: str) -> dict[str, float]:
    """Each kind's score for one message (the SVM's margin: above the kind's threshold is flagged);
    empty when no model is built."""
    artefact = load()
    if not artefact or not artefact["kinds"]:
        return {}
    features = artefact["vectoriser"].transform([prepare(text)])
    return {kind: float(entry["model"].decision_function(features)[0]) for kind, entry in artefact["kinds"].items()}


def flagged(text: str) -> dict[str, float]:
    """The kinds whose score passes their threshold, with the score."""
    artefact = load()
    if not artefact:
        return {}
    return {kind: score for kind, score in scores(text).items() if score >= artefact["kinds"][kind]["threshold"]}


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval for a proportion."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))
