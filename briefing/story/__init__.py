"""Stories: one briefing from several articles on the same event — corroboration, conflicts, and what changed.

:func:`briefing.story.build.generate_story` briefs and merges; :mod:`briefing.story.synthesis` writes the bottom
line and outlook over the merged findings; :mod:`briefing.story.diff` says what changed since an earlier briefing.
"""
