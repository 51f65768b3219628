"""Pledges: money, equipment or training that a donor commits to a recipient.

The words are cues of rules/pledges.yaml (the giving verbs, totals over time, purchases, parts of
a total, the things given); each is read here under the name extract.pledgefacts uses, as
compiled by the rules (case-blind, behind a lookahead of their first characters)."""

from __future__ import annotations

import re

from ..rules import rules

# the module's names of the cues (pl_rules._PLEDGE_WORD is cue pledge_word of the rules in force)
CUES = {"_PLEDGE_WORD": "pledge_word", "_CUMULATIVE": "cumulative_total", "_NOT_NEW_BEFORE": "not_new_before",
        "_PROCUREMENT": "procurement", "_GIVEN": "given_before", "_PART": "part_of_total",
        "_IN_KIND_VERB": "in_kind_verb", "ITEMS": "pledge_items"}


def __getattr__(name: str) -> re.Pattern[str]:
    cue = CUES.get(name)
    if cue is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return rules().cues[cue]
