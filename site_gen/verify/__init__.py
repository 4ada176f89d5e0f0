"""Verification: every quote against its source, every number against its quotes, every reference.

`quotes` is the strict, deterministic matcher (`locate` is its public face); `numbers` reads the
numbers a text claims; `wording` warns where a text says more than its quotes (its rules
read a fact through `reading`, and `naming` asks that it name only whom its reports name);
`references` checks ids and source pins; `suggest` finds the closest
passage for a quote that is wrong, and only suggests; `coverage` measures how much of each
source the facts cite; `verdicts` remembers matches across checks; `checks` runs them all over
a loaded site and returns the problems and the spans it found (`located`), leaving the model
untouched.
"""
