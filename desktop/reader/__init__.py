"""The paper reader: a PDF page view with members' highlights and sticky notes drawn over it.

Split into small parts: `canvas` renders one page of a `QPdfDocument` and
draws marks over it (and turns a mouse drag into a text selection, a click
into a point); `document` loads the PDF and maps the pages of a board pack
back to the paper each came from; `notes_model` and `search` are the side
panel's lists; `last_page` remembers where each person stopped in each
paper; `printing` prints chosen pages; `questions` and `cards` are the
questions prepared against agenda items (embeddable in meeting mode) and the
children in care council action cards with the board's responses; `view`
composes them into the reader the Papers page shows.
"""
