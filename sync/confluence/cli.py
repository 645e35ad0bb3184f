"""Placeholder: replaced by the module that owns these subcommands."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Adds no subcommand yet."""
