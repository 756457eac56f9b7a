"""Log set-up: readable text by default, one JSON object per line for log collectors, and
secrets masked in both."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from domain.models import Attempt

# Ids a log call may pass in `extra`, written as their own fields in JSON.
ID_FIELDS = ("account_id", "profile_id", "delivery_id", "attempt_id")
MASK = "***"

_SECRETS = (
    # API keys and signing secrets have prefixes of their own.
    (re.compile(r"\b(cbk_|whsec_)[A-Za-z0-9+/=_-]+"), rf"\1{MASK}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9+/=._~-]+"), rf"\1 {MASK}"),
    # name=value or "name": "value" where the name says it is a secret.
    (
        re.compile(
            r"(?i)\b(authorization|api[-_]?key|password|secret|token|key|iv)"
            r"(\"?\s*[:=]\s*\"?)(?!(?:bearer|basic)\s)([^\"\s&,;}]+)"
        ),
        rf"\1\2{MASK}",
    ),
)


def redact(text: str) -> str:
    """`text` with API keys, signing secrets, credentials and key=value secrets masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class _RedactingText(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the ids it carries, and
    the exception if any, all redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = str(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str) -> None:
    """Sends every logger, uvicorn's included, through one handler in `log_format`."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(_RedactingText("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # httpx logs every callback URL at INFO; those carry customers' query-string tokens.
    logging.getLogger("httpx").setLevel(logging.WARNING)


_attempts = logging.getLogger("callbackd.attempts")


def log_attempt(attempt: Attempt) -> None:
    """One line per callback attempt, carrying its ids."""
    _attempts.info(
        "%s attempt %d: %s%s in %.0f ms",
        attempt.trigger.value.lower(),
        attempt.number,
        attempt.outcome.value,
        f" ({attempt.status_code})" if attempt.status_code is not None else "",
        attempt.duration_ms,
        extra={
            "account_id": attempt.account_id,
            "profile_id": attempt.profile_id,
            "delivery_id": attempt.delivery_id,
            "attempt_id": attempt.id,
        },
    )


__all__ = ["ID_FIELDS", "JsonFormatter", "configure", "log_attempt", "redact"]
