"""The model: plain frozen records of a briefing, each knowing the file and line it came from.

Loading makes them (site_gen.sources); nothing later changes them. What the checker finds
(where each quote sits in its source) lives beside them, in site_gen.verify.
"""

from site_gen.model.facts import (
    FACT_CLASSES,
    Citation,
    CitedText,
    Event,
    Fact,
    Figure,
    FigureValue,
    Organization,
    Person,
    Place,
    Reform,
    Span,
    Statement,
)
from site_gen.model.site import Settings, Site, Source, Unread

__all__ = (
    "FACT_CLASSES",
    "Citation",
    "CitedText",
    "Event",
    "Fact",
    "Figure",
    "FigureValue",
    "Organization",
    "Person",
    "Place",
    "Reform",
    "Settings",
    "Site",
    "Source",
    "Span",
    "Statement",
    "Unread",
)
