"""Settings from environment variables, each also a command-line flag."""

from __future__ import annotations

import argparse
import ipaddress
import os
from dataclasses import dataclass
from typing import Any

from domain.secretbox import InvalidServerKey, generate_server_key, parse_server_keys


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Option:
    env: str
    flag: str
    help: str
    default: str | None


OPTIONS = (
    Option(
        "MONGODB_URL", "--mongodb-url", "MongoDB connection string; unset: embedded store", None
    ),
    Option("CALLBACKD_DATABASE", "--database", "database name", "callbackd"),
    Option("CALLBACKD_HOST", "--host", "listen address", "127.0.0.1"),
    Option("CALLBACKD_PORT", "--port", "listen port", "8000"),
    Option(
        "CALLBACKD_SECRET_KEY",
        "--secret-key",
        "32 bytes in base64 that encrypt stored secrets; several, comma-separated and newest "
        "first, while rotating (`callbackd secrets rekey`); required with MongoDB",
        None,
    ),
    Option(
        "CALLBACKD_ALLOW_NETWORKS",
        "--allow-networks",
        "comma-separated CIDRs callbacks may reach despite the private-address guard",
        "",
    ),
    Option("CALLBACKD_MAX_ATTEMPTS", "--max-attempts", "attempts before a delivery fails", "8"),
    Option(
        "CALLBACKD_RETRY_BASE_SECONDS",
        "--retry-base-seconds",
        "first retry delay; later ones grow exponentially with jitter",
        "5",
    ),
    Option(
        "CALLBACKD_REQUEST_TIMEOUT_SECONDS",
        "--request-timeout-seconds",
        "per-callback timeout",
        "10",
    ),
    Option("CALLBACKD_WORKERS", "--workers", "delivery concurrency in this process; 0: none", "32"),
    Option(
        "CALLBACKD_LEASE_SECONDS",
        "--lease-seconds",
        "how long a worker owns a claimed delivery; must exceed the request timeout",
        "30",
    ),
    Option(
        "CALLBACKD_SWEEP_SECONDS",
        "--sweep-seconds",
        "with MongoDB, how often a process with workers reads the queue for leases that ran "
        "out and work no notice told it of",
        "1",
    ),
    Option(
        "CALLBACKD_MIN_THROTTLE_RETRY_SECONDS",
        "--min-throttle-retry-seconds",
        "least delay after a timeout or a 429",
        "60",
    ),
    Option(
        "CALLBACKD_RETENTION_DAYS",
        "--retention-days",
        "days finished deliveries and their attempts are kept; 0: kept forever",
        "30",
    ),
    Option(
        "CALLBACKD_MAX_BODY_BYTES",
        "--max-body-bytes",
        "largest request body accepted; larger ones are refused with 413 before being read",
        "1048576",
    ),
    Option("CALLBACKD_LOG_FORMAT", "--log-format", "log lines as `text` or `json`", "text"),
    Option(
        "CALLBACKD_METRICS_ADDR",
        "--metrics-addr",
        "HOST:PORT serving /metrics apart from the API; unset: /metrics on the API's port",
        None,
    ),
    Option(
        "CALLBACKD_SHUTDOWN_SECONDS",
        "--shutdown-seconds",
        "on SIGTERM, how long requests and callbacks in flight may take to finish",
        "20",
    ),
    Option(
        "CALLBACKD_DISABLE_AFTER_HOURS",
        "--disable-after-hours",
        "hours an endpoint may fail without a success before its profile is auto-disabled "
        "(with CALLBACKD_DISABLE_AFTER_FAILURES)",
        "120",
    ),
    Option(
        "CALLBACKD_DISABLE_AFTER_FAILURES",
        "--disable-after-failures",
        "failed attempts without a success before a profile is auto-disabled "
        "(with CALLBACKD_DISABLE_AFTER_HOURS)",
        "100",
    ),
)

LOG_FORMATS = ("text", "json")


@dataclass(frozen=True, slots=True)
class Settings:
    mongodb_url: str | None
    database: str
    host: str
    port: int
    # Newest first: the first seals, every one opens.
    secret_keys: tuple[bytes, ...]
    secret_key_generated: str | None
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    max_attempts: int
    retry_base_seconds: float
    request_timeout_seconds: float
    workers: int
    lease_seconds: float
    sweep_seconds: float
    min_throttle_retry_seconds: float
    # None: kept forever.
    retention_days: float | None
    max_body_bytes: int
    log_format: str
    # None: /metrics is served by the API itself.
    metrics_addr: tuple[str, int] | None
    shutdown_seconds: int
    disable_after_hours: float
    disable_after_failures: int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    for o in OPTIONS:
        shown = "unset" if o.default is None else repr(o.default)
        parser.add_argument(o.flag, dest=o.env, help=f"{o.help} (env {o.env}, default {shown})")


def _number(raw: dict[str, str | None], env: str, kind: type[Any], low: float) -> Any:
    text = raw[env]
    try:
        value = kind(text)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{env} must be a number, got {text!r}") from exc
    if value < low:
        raise ConfigError(f"{env} must be at least {low}, got {value}")
    return value


def _address(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"CALLBACKD_METRICS_ADDR must be HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def _log_format(text: str | None) -> str:
    if text not in LOG_FORMATS:
        raise ConfigError(f"CALLBACKD_LOG_FORMAT must be text or json, got {text!r}")
    return text


def load(args: argparse.Namespace | None = None, environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    given = vars(args) if args is not None else {}
    raw: dict[str, str | None] = {
        o.env: given.get(o.env) or env.get(o.env) or o.default for o in OPTIONS
    }
    key_text = raw["CALLBACKD_SECRET_KEY"]
    generated = None
    if key_text is None:
        if raw["MONGODB_URL"]:
            raise ConfigError("CALLBACKD_SECRET_KEY is required with MongoDB")
        generated = key_text = generate_server_key()
    try:
        keys = parse_server_keys(key_text)
    except InvalidServerKey as exc:
        raise ConfigError(f"CALLBACKD_SECRET_KEY: {exc}") from exc
    try:
        networks = tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in (raw["CALLBACKD_ALLOW_NETWORKS"] or "").split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    settings = Settings(
        mongodb_url=raw["MONGODB_URL"] or None,
        database=raw["CALLBACKD_DATABASE"] or "callbackd",
        host=raw["CALLBACKD_HOST"] or "127.0.0.1",
        port=_number(raw, "CALLBACKD_PORT", int, 0),
        secret_keys=keys,
        secret_key_generated=generated,
        allow_networks=networks,
        max_attempts=_number(raw, "CALLBACKD_MAX_ATTEMPTS", int, 1),
        retry_base_seconds=_number(raw, "CALLBACKD_RETRY_BASE_SECONDS", float, 0),
        request_timeout_seconds=_number(raw, "CALLBACKD_REQUEST_TIMEOUT_SECONDS", float, 0.01),
        workers=_number(raw, "CALLBACKD_WORKERS", int, 0),
        lease_seconds=_number(raw, "CALLBACKD_LEASE_SECONDS", float, 0.01),
        sweep_seconds=_number(raw, "CALLBACKD_SWEEP_SECONDS", float, 0.01),
        min_throttle_retry_seconds=_number(raw, "CALLBACKD_MIN_THROTTLE_RETRY_SECONDS", float, 0),
        retention_days=_number(raw, "CALLBACKD_RETENTION_DAYS", float, 0) or None,
        max_body_bytes=_number(raw, "CALLBACKD_MAX_BODY_BYTES", int, 1024),
        log_format=_log_format(raw["CALLBACKD_LOG_FORMAT"]),
        metrics_addr=_address(raw["CALLBACKD_METRICS_ADDR"]),
        shutdown_seconds=_number(raw, "CALLBACKD_SHUTDOWN_SECONDS", int, 0),
        disable_after_hours=_number(raw, "CALLBACKD_DISABLE_AFTER_HOURS", float, 0),
        disable_after_failures=_number(raw, "CALLBACKD_DISABLE_AFTER_FAILURES", int, 1),
    )
    if settings.lease_seconds <= settings.request_timeout_seconds:
        raise ConfigError(
            "CALLBACKD_LEASE_SECONDS must exceed CALLBACKD_REQUEST_TIMEOUT_SECONDS, or a slow "
            "callback would be sent twice"
        )
    return settings


__all__ = ["OPTIONS", "ConfigError", "Settings", "add_arguments", "load"]
