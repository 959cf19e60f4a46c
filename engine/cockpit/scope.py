"""Which departments a supervisor's cockpit and reports cover: the units they oversee (all for administrators)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute

from ..errors import PermissionDenied
from ..identity.access import units_seen
from ..identity.actors import Actor

REPORT = "cockpit"
_Select = TypeVar("_Select", bound="sa.Select")


def scope_units(actor: Actor) -> tuple[str, ...] | None:
    """The departments the actor's cockpit covers; None for everything (administrators)."""
    if actor.oversees_all:
        return None
    if not actor.is_supervisor:
        raise PermissionDenied("cockpit_supervisors_only")
    return units_seen(actor)


def in_scope(
    query: _Select, column: InstrumentedAttribute[Any], units: tuple[str, ...] | None, department: str | None = None
) -> _Select:
    if units is not None:
        query = query.where(column.in_(units))
    if department:
        query = query.where(column == department)
    return query


def scope_label(actor: Actor, units: tuple[str, ...] | None) -> str | None:
    """The unit whose scope the cockpit shows (the supervisor's bureau); None for every unit."""
    return None if units is None else actor.department
