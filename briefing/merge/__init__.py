"""Merging extractions: several grounded extractions of one article's parts, or of several articles on one story,
become one extraction whose items carry the evidence of every source that states them.

    merged = merge([Sourced(Source("a", offset=0), ex_a), Sourced(Source("b", offset=0), ex_b)])
    merged.extraction.key_points[0].sources   # [0, 1]: both sources state it
    merged.conflicts                          # figures, dates and people the sources give differently

The interface is :func:`briefing.merge.items.merge` with :class:`Source`, :class:`Sourced` and :class:`Merged`;
conflicts come from :mod:`briefing.merge.conflicts`. Pure functions on schema objects: no model, no I/O.
"""

from briefing.merge.items import Merged, Source, Sourced, merge

__all__ = ["Merged", "Source", "Sourced", "merge"]
