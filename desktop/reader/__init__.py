"""The paper reader: a PDF page view with members' highlights and sticky notes drawn over it.

Split into small parts: `canvas` renders one page of a `QPdfDocument` and
draws marks and search hits over it (and turns a mouse drag into a text
selection, a click into a point); `document` loads the PDF and maps the pages
of a board pack back to the paper each came from; `toolbar` and `side` are
the widgets around the page; `annotating` writes and lists highlights and
notes (`notes_model`, `editor`); `search` finds words in a paper or the pack;
`last_page` remembers where each person stopped in each paper; `output`
prints chosen pages (`printing`) and exports; `questions` (embeddable in
meeting mode) and `cards` are the questions prepared against agenda items
and the children in care council action cards with the board's responses;
`view` composes them into the reader the Papers page shows.
"""
