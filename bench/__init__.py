"""Reproducible performance runs of Boardpack on a generated large board.

`python -m bench` generates (or reuses from `bench/.cache/`) a board of ten
boards and ten years, times what users wait for — demo creation, opening a
database, cold start to the first window, dumping — and reports each median
beside a floor measured in the same run on the same machine (the cost of the
same work done the barest possible way), so the ratios mean something across
machines and the absolute numbers are only context.
"""
