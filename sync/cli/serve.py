"""``productive-docs serve``: run the local Productive-compatible server in the foreground."""

from __future__ import annotations

import argparse

from productive_docs.converter.errors import UsageError
from productive_docs.sync.api.ratelimit import ORG_LIMIT, TOKEN_LIMIT, parse_limit
from productive_docs.sync.cli.registry import summary
from productive_docs.sync.server.app import DEFAULT_ORG, DEFAULT_TOKEN, LocalServer, default_db_path


def _limit(text: str) -> tuple[int, float]:
    try:
        return parse_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds ``serve``."""
    parser = subparsers.add_parser(
        "serve",
        help=summary("serve"),
        description="Serve the Productive pages API from a local SQLite database. Point the client at the "
        "printed base URL with the printed token and organisation id.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--db", default=None, help=f"SQLite file, or :memory: (default: {default_db_path()})")
    parser.add_argument(
        "--token", default=DEFAULT_TOKEN, help=f"API token to accept (default: {DEFAULT_TOKEN})"
    )
    parser.add_argument(
        "--org", default=DEFAULT_ORG, help=f"organisation id to accept (default: {DEFAULT_ORG})"
    )
    for flag, default, counted in (("--rate-limit", TOKEN_LIMIT, "token"),
                                   ("--org-rate-limit", ORG_LIMIT, "organisation")):
        count, seconds = default
        parser.add_argument(flag, type=_limit, default=default, metavar="N/SECONDS",
                            help=f"requests per {counted} and window (default: {count}/{seconds:g})")
    parser.add_argument("--access-log", default=None, metavar="PATH", help="append one JSON line per request")
    parser.add_argument(
        "--fail-rate",
        type=_rate,
        default=0.0,
        metavar="P",
        help="answer this share of requests with a 502 HTML page (writes: half of them after "
        "the write was committed)",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay every request")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.token:
        raise UsageError("--token must not be empty")
    server = LocalServer(
        db=args.db or default_db_path(),
        token=args.token,
        org_id=args.org,
        rate_limit=args.rate_limit,
        org_rate_limit=args.org_rate_limit,
        fail_rate=args.fail_rate,
        latency_ms=args.latency,
        access_log=args.access_log,
    )
    try:
        server.start(args.host, args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    print(f"Productive-compatible server at {server.url}", flush=True)
    print(f"  PRODUCTIVE_API_URL={server.url}", flush=True)
    print(f"  PRODUCTIVE_API_TOKEN={server.token}", flush=True)
    print(f"  PRODUCTIVE_ORG_ID={server.org_id}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    return 0
