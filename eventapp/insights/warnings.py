"""The builder's balance warnings: a panel with no woman speaking, or whose
speakers all come from one sector. They inform, never block: the organiser
saves anyway and sees the warning on the session editor while it holds."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _

from ..agenda.models import AgendaSession
from ..people.models import SECTOR_LABELS, Sector
from .queries import session_balance


def panel_warnings(session: AgendaSession) -> list[str]:
    """The session's balance warnings now (one query). Empty unless it is a panel."""
    balance = session_balance(session)
    warnings: list[str] = []
    if balance.all_male:
        warnings.append(_("This panel has no woman speaking."))
    if balance.single_sector:
        sector = next(key for key, count in balance.sectors.counts.items() if count)
        try:
            label = str(SECTOR_LABELS[Sector(sector)])
        except ValueError:
            label = str(sector)
        warnings.append(_("All speakers on this panel come from one sector (%(sector)s).", sector=label))
    return warnings


def flash_new_panel_warnings(session: AgendaSession, before: list[str]) -> list[str]:
    """After a saved change: flash (category "warning") each warning the session
    did not have before the change, i.e. when it has *become* such a panel.
    Returns the flashed messages."""
    new = [message for message in panel_warnings(session) if message not in before]
    for message in new:
        flash(message, "warning")
    return new
