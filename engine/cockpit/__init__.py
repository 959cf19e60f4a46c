"""The supervisors' cockpit (监察驾驶舱): counts and lists of lights, signals, items and complaints in the units a
supervisor oversees, trends and rankings.
"""

from __future__ import annotations

from .service import Cockpit

__all__ = ["Cockpit"]
