"""The sync commands' arguments are spelled out in ``sync.cli.sync_args`` (so their help imports no engine):
each choice list must stay equal to the engine value it stands for."""

from __future__ import annotations

from productive_docs.sync.cli import resolve, sync_args
from productive_docs.sync.cli.output import COLORS, MODES
from productive_docs.sync.engine.links import DEFAULT_TEMPLATE
from productive_docs.sync.engine.push.options import Prune, Via
from productive_docs.sync.engine.sites import SITES
from productive_docs.sync.engine.state import STATE_DIR


def test_choices_are_the_engine_values() -> None:
    assert sync_args.OUTPUT_MODES == MODES
    assert sync_args.COLOR_CHOICES == COLORS
    assert tuple(str(via) for via in Via) == sync_args.VIA_CHOICES
    assert tuple(str(prune) for prune in Prune) == sync_args.PRUNE_CHOICES
    assert sync_args.SITE_CHOICES == SITES
    assert sync_args.DEFAULT_LINK_TEMPLATE == DEFAULT_TEMPLATE
    assert resolve.STATE_DIR == STATE_DIR
