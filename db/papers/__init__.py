"""Pure helpers behind the papers service: text of PDF pages and re-anchoring annotations.

`anchoring` is pure (strings in, placements out) so its rules can be property
tested; `pdftext` reads a PDF's page text and line positions with pypdf.
"""
