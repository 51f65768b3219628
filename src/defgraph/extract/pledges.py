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
        "_IN_KIND_VERB": "in_kind_verb", "ITEMS": "pledge_items",
        # (round 22: the word lists that were patterns of extract.pledgefacts)
        "_ACTS_AFTER": "acts_after", "_AID_TO": "aid_to", "_HABIT": "pledge_habit",
        "_PAYS_FOR": "pays_for_purchase_after", "_REPORTED": "reporting_verb", "_RECIPIENT_BEFORE": "recipient_before",
        "_FORCES_OF": "forces_of_before", "_FORCES_AFTER_ADJECTIVE": "forces_after_adjective", "_RUNS_SCHEME": "runs_scheme_after",
        "_MADE_IN": "made_in_before", "_NOT_RECIPIENT_TO": "not_recipient_to_before", "_WE": "first_person",
        "_FOR_SOMEONE_AFTER": "for_someone_after", "_SAME_PACKAGE_OPENS": "same_package_opens", "_PLACE_BEFORE": "place_preposition_before",
        "_USUAL_RECIPIENT_BEFORE": "usual_recipient_before", "_NEGATION_BEFORE": "pledge_negation_before", "_UNSURE_BEFORE": "pledge_unsure_before",
        "_FORCES_NAME_AFTER": "forces_name_after", "_FIRST_PERSON_PLURAL": "first_person_plural", "_THING_AFTER_ADJECTIVE": "thing_after_adjective",
        "_SIDE_AFTER_ADJECTIVE": "side_after_adjective"}


def __getattr__(name: str) -> re.Pattern[str]:
    cue = CUES.get(name)
    if cue is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return rules().cues[cue]
