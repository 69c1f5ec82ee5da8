"""``engine: presidio``: Microsoft Presidio's analyzer, batched, on each distinct text once.

The six pattern entities (e-mail, phone, card, SSN, IBAN, IP address) run on Presidio's
pattern recognizers with no NLP model (its ``NoOpNlpEngine``); ``person`` and ``location``
need spaCy's NER and an installed English model, and the gate fails with a clear message
when there is none. Texts go through ``BatchAnalyzerEngine`` in batches, each distinct
text once (columns repeat values), and findings are masked like the built-in engine's.
Person names from the lexicon, dates of birth and custom entities stay with mlgate's rules.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from mlgate.errors import GateError

PRESIDIO_TYPES = {
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "credit_card": "CREDIT_CARD",
    "us_ssn": "US_SSN",
    "iban": "IBAN_CODE",
    "ip_address": "IP_ADDRESS",
    "person": "PERSON",
    "location": "LOCATION",
}
NLP = ("person", "location")
SPACY_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf")
BATCH = 512


def _masks() -> dict[str, Callable[[str], str]]:
    from mlgate.gates.pii.detect import (
        mask_all,
        mask_card,
        mask_email,
        mask_iban,
        mask_ip,
        mask_phone,
    )
    from mlgate.gates.pii.names import mask_name

    return {
        "email": mask_email,
        "phone": mask_phone,
        "credit_card": mask_card,
        "us_ssn": lambda v: "***-**-****",
        "iban": mask_iban,
        "ip_address": mask_ip,
        "person": mask_name,
        "location": mask_all,
    }


class PresidioScanner:
    """Presidio's analyzer for the entities ``names`` (keys of :data:`PRESIDIO_TYPES`)."""

    def __init__(self, names: list[str], score_threshold: float, language: str) -> None:
        # Presidio's e-mail recognizer uses tldextract, which would fetch the public suffix
        # list from the network: mlgate never does, the bundled snapshot is used instead.
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
        try:
            from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
        except ImportError:
            raise GateError(
                "engine: presidio needs Presidio: pip install 'mlgate[presidio]'"
            ) from None
        self.names = [n for n in names if n in PRESIDIO_TYPES]
        self.types = {PRESIDIO_TYPES[n]: n for n in self.names}
        self.score_threshold = score_threshold
        self.language = language
        self.masks = _masks()
        nlp = _nlp_engine(language, needs_model=any(n in NLP for n in self.names))
        registry = RecognizerRegistry(supported_languages=[language])
        registry.load_predefined_recognizers(nlp_engine=nlp, languages=[language])
        analyzer = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=[language])
        self.batch = BatchAnalyzerEngine(analyzer_engine=analyzer)

    def scan(self, values: Any, positions: Any, allowed: Callable[[str], bool]) -> dict[str, Any]:
        """Findings per entity in a string array (each distinct text analysed once)."""
        from mlgate.gates.pii.detect import Findings, as_array, candidates, record

        found: dict[str, Findings] = {}
        if not self.names:
            return found
        pending = list(candidates(as_array(values), r"\S"))
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            results = self.batch.analyze_iterator(
                [text for text, _ in chunk],
                language=self.language,
                batch_size=BATCH,
                entities=list(self.types),
                score_threshold=self.score_threshold,
            )
            for (text, rows), hits in zip(chunk, results, strict=True):
                per: dict[str, list[str]] = {}
                for hit in hits:
                    name = self.types.get(hit.entity_type)
                    value = text[hit.start : hit.end]
                    if name is not None and not allowed(value):
                        per.setdefault(name, []).append(self.masks[name](value))
                for name, masks in per.items():
                    record(found.setdefault(name, Findings()), rows, masks, positions)
        return found


def _nlp_engine(language: str, needs_model: bool) -> Any:
    if not needs_model:
        from presidio_analyzer.nlp_engine import NoOpNlpEngine

        engine = NoOpNlpEngine(models=[{"lang_code": language, "model_name": "none"}])
        engine.load()
        return engine
    try:
        import spacy
    except ImportError:
        raise GateError("`person` and `location` need spaCy: pip install spacy") from None
    models = [m for m in SPACY_MODELS if spacy.util.is_package(m)]
    if not models:
        raise GateError(
            "`person` and `location` need a spaCy model for Presidio's NER, and none is "
            "installed (e.g. python -m spacy download en_core_web_lg); without a model, "
            "use the built-in `person_name` entity (a name lexicon, no NLP)"
        )
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    settings = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": language, "model_name": models[0]}],
    }
    return NlpEngineProvider(nlp_configuration=settings).create_engine()
