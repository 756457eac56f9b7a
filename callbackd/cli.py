"""The `callbackd` command: serve, worker, account, secrets."""

from __future__ import annotations

import argparse
import asyncio
import gc
import signal
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from types import FrameType

import uvicorn
from starlette.types import ASGIApp

from callbackd import account_commands, event_loop, logs, rekey_command
from callbackd import services as wiring
from callbackd.app import create_app
from callbackd.config import ConfigError, Settings, add_arguments, load
from callbackd.operator_routes import metrics_app
from domain.accounts import InvalidRegion
from domain.rekeying import DEFAULT_BATCH
from domain.secretbox import SecretBox
from domain.store import Store
from storage import open_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callbackd", description="Callback profiles over GraphQL, delivered durably."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the GraphQL server and delivery workers")
    add_arguments(serve)
    worker = commands.add_parser("worker", help="run delivery workers only (needs MongoDB)")
    add_arguments(worker)
    account = commands.add_parser("account", help="manage accounts")
    account_commands = account.add_subparsers(dest="account_command", required=True)
    create = account_commands.add_parser("create", help="create an account; prints its API key")
    create.add_argument("name", help="account name")
    create.add_argument("--region", default="IN", help="region prefix of profile ids (IN)")
    add_arguments(create)
    listing = account_commands.add_parser("list", help="accounts, regions and key counts")
    add_arguments(listing)
    keys = account_commands.add_parser("keys", help="an account's keys, by prefix")
    keys.add_argument("name", help="account name or id")
    add_arguments(keys)
    key = account_commands.add_parser("key", help="create or revoke an account's API key")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    key_create = key_commands.add_parser("create", help="create a key; prints it as the last line")
    key_create.add_argument("name", help="account name or id")
    key_create.add_argument("--label", help="what the key is for")
    add_arguments(key_create)
    key_revoke = key_commands.add_parser(
        "revoke", help="revoke a key at once, on every server sharing the database"
    )
    key_revoke.add_argument("name", help="account name or id")
    key_revoke.add_argument("prefix", help="the key's prefix, as `account keys` shows")
    add_arguments(key_revoke)
    secrets = commands.add_parser("secrets", help="manage stored secrets")
    secret_commands = secrets.add_subparsers(dest="secrets_command", required=True)
    rekey = secret_commands.add_parser(
        "rekey", help="re-seal every stored secret with the first CALLBACKD_SECRET_KEY"
    )
    rekey.add_argument(
        "--batch-size", type=int, default=DEFAULT_BATCH, help=f"profiles a batch ({DEFAULT_BATCH})"
    )
    rekey.add_argument("--after", help="start after this profile id (the last one reported)")
    add_arguments(rekey)
    return parser


def _say(line: str = "") -> None:
    print(line, flush=True)


def _keep_start_up_out_of_collections() -> None:
    """What start-up made (modules, the schema, the app, the store's clients) lives as long
    as the process. Frozen, the collector's full passes skip it: they walked all of it each
    time, stalling the event loop 30-45 ms a pass, a few passes a minute under load."""
    gc.collect()
    gc.freeze()


async def _serve(settings: Settings) -> None:
    runtime = wiring.build(settings)
    store = runtime.services.store
    await store.start()
    _say(f"callbackd: store: {store.description}")
    if settings.secret_key_generated:
        _say("callbackd: development mode: a new CALLBACKD_SECRET_KEY was generated for this run")
    _say(f"callbackd: console: http://{settings.host}:{settings.port}/console")
    _say(f"callbackd: GraphiQL: http://{settings.host}:{settings.port}/graphql")
    if settings.mongodb_url is None:
        _, key = await runtime.services.accounts.create("development")
        _say("callbackd: API key of the development account (header `Authorization: Bearer KEY`):")
        _say(key)
    else:
        _say("callbackd: create an API key with `callbackd account create NAME`")
    app = create_app(runtime, separate_metrics=settings.metrics_addr is not None)
    server = _GracefulServer(server_config(app, settings), runtime)
    _keep_start_up_out_of_collections()
    if settings.metrics_addr is None:
        await server.serve()
        return
    metrics = _metrics_server(runtime, settings.metrics_addr)
    # Started first, so the API server's signal handlers are the ones in force (uvicorn
    # restores the earlier ones on exit); the metrics stay up until the API has stopped.
    metrics_task = asyncio.create_task(metrics.serve())
    while not metrics.started:
        if metrics_task.done():
            await metrics_task
            raise SystemExit(f"callbackd: /metrics could not listen on {_url(settings)}")
        await asyncio.sleep(0.01)
    _say(f"callbackd: metrics: {_url(settings)}")
    try:
        await server.serve()
    finally:
        metrics.should_exit = True
        await metrics_task


def _metrics_server(runtime: wiring.Runtime, address: tuple[str, int]) -> uvicorn.Server:
    host, port = address
    config = uvicorn.Config(
        metrics_app(runtime),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


def _url(settings: Settings) -> str:
    assert settings.metrics_addr is not None
    host, port = settings.metrics_addr
    return f"http://{host}:{port}/metrics"


class _GracefulServer(uvicorn.Server):
    """uvicorn, which on SIGTERM or SIGINT stops accepting connections and lets requests
    finish; on the same signal the workers stop claiming deliveries."""

    def __init__(self, config: uvicorn.Config, runtime: wiring.Runtime) -> None:
        super().__init__(config)
        self._runtime = runtime
        self._stopping: asyncio.Task[None] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if not self.should_exit:
            asyncio.get_running_loop().call_soon_threadsafe(self._stop_claiming)
        super().handle_exit(sig, frame)

    def _stop_claiming(self) -> None:
        self._stopping = asyncio.create_task(self._runtime.stop_claiming())


def server_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    """How `serve` runs uvicorn (the bench's host runs the same)."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # callbackd.logs has configured logging already, uvicorn's loggers included.
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=settings.shutdown_seconds,
        # Live frames are small JSON: compressing each one for each subscriber cost more CPU
        # than fan-out to hundreds of subscribers can spare, and saved few bytes.
        ws_per_message_deflate=False,
    )


async def _work(settings: Settings) -> None:
    runtime = wiring.build(settings)
    await runtime.start()
    _keep_start_up_out_of_collections()
    _say(f"callbackd: worker with {settings.workers} slots on {runtime.services.store.description}")
    if settings.metrics_addr is not None:
        _say(f"callbackd: metrics: {_url(settings)}")
        # Serves /metrics until SIGTERM or SIGINT, which uvicorn's server waits for.
        await _metrics_server(runtime, settings.metrics_addr).serve()
    else:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        await stopping.wait()
    await runtime.stop()


async def _create_account(settings: Settings, name: str, region: str) -> str:
    runtime = wiring.build(settings)
    await runtime.services.store.start()
    try:
        _, key = await runtime.services.accounts.create(name, region)
    finally:
        await runtime.stop()
    return key


async def _on_store(settings: Settings, command: Callable[[Store], Awaitable[int]]) -> int:
    store = open_store(
        settings.mongodb_url, settings.database, sweep_seconds=settings.sweep_seconds
    )
    await store.start()
    try:
        return await command(store)
    finally:
        await store.close()


def _operate(args: argparse.Namespace, settings: Settings) -> int:
    """The account and secrets commands other than `account create`, on the shared store."""
    command: Callable[[Store], Awaitable[int]]
    if args.command == "secrets":
        if args.batch_size < 1:
            print("callbackd: --batch-size must be at least 1", file=sys.stderr)
            return 2
        box = SecretBox(settings.secret_keys)
        command = partial(
            rekey_command.rekey, box=box, batch_size=args.batch_size, after=args.after
        )
    elif args.account_command == "list":
        command = account_commands.list_accounts
    elif args.account_command == "keys":
        command = partial(account_commands.list_keys, name=args.name)
    elif args.key_command == "create":
        command = partial(account_commands.create_key, name=args.name, label=args.label)
    else:
        command = partial(account_commands.revoke_key, name=args.name, prefix=args.prefix)
    return event_loop.run(_on_store(settings, command))


def _outlive_reraised_signals() -> None:
    """uvicorn raises the signal it stopped for again once stopped; the stop was graceful, so
    the process then exits 0 rather than die of it."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load(args)
    except ConfigError as exc:
        print(f"callbackd: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_format)
    if args.command == "serve":
        _outlive_reraised_signals()
        event_loop.run(_serve(settings))
        return 0
    if args.command == "worker":
        if settings.mongodb_url is None or settings.workers == 0:
            print(
                "callbackd: a worker needs MONGODB_URL and CALLBACKD_WORKERS > 0", file=sys.stderr
            )
            return 2
        _outlive_reraised_signals()
        event_loop.run(_work(settings))
        return 0
    if args.command == "secrets" or args.account_command != "create":
        if settings.mongodb_url is None:
            print(
                "callbackd: this command needs MONGODB_URL: the embedded store lives inside "
                "one server process",
                file=sys.stderr,
            )
            return 2
        return _operate(args, settings)
    if settings.mongodb_url is None:
        print(
            "callbackd: warning: no MONGODB_URL, so this account lives only in this process",
            file=sys.stderr,
        )
    try:
        key = event_loop.run(_create_account(settings, args.name, args.region))
    except InvalidRegion as exc:
        print(f"callbackd: {exc}", file=sys.stderr)
        return 2
    _say(f"Account {args.name} created in region {args.region}. API key:")
    _say(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
