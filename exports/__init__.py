"""Documents out: board papers, minutes and action-log PDFs, spreadsheets, charts for print.

Everything here turns plain data (strings, dataclasses, rows read through `db`)
into bytes a board can circulate, publish or archive. Imports point one way —
`exports` may read `db`, never the reverse — and this package never imports Qt,
so every document can be produced by the CLI, a test or a worker thread alike.
"""
