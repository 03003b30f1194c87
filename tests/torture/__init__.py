"""A reliability harness: the application tried as an adversarial tester would.

    make torture                     (a few minutes; not part of ``make test``)
    python -m tests.torture --quick  (a short run, while working on it)

Five cases, each in a module of its own: writers killed mid-save (``kills``), two
processes editing the same marks (``edits``), hostile searches on a large archive
(``searches``), hostile import files (``imports``), and damaged notes and archive
files (``damage``). Each reports how many tries held and how many failed; the run
prints one table and exits non-zero if anything failed. Everything generated comes
from one seed, printed with the table, so that a failure can be had again.
"""
