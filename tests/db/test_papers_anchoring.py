"""db.papers.anchoring: annotations follow their quoted text to a re-issued paper.

Property tests build a paper as paragraphs of random words laid out on pages,
then re-issue it with the paragraphs re-paginated, with paragraphs inserted,
or with the quoted paragraph deleted, and check where each quote lands: on the
page that now holds it, or orphaned when its text is gone — never silently
placed on unrelated text. Example tests pin down normalisation (hyphenation,
whitespace, curly quotes), fuzzy matching and the nearest-page preference.
"""

from __future__ import annotations

import hashlib

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from db.papers.anchoring import (
    MIN_FUZZY_CHARS,
    Anchor,
    Method,
    PageText,
    TextRun,
    find_quote,
    normalise,
    reanchor,
    rects_for,
)

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
PARAGRAPH = st.lists(WORD, min_size=6, max_size=30).map(" ".join)


def word(seed: int, n: int) -> str:
    """A pseudo-random word: unlike any other, so no run of words resembles another."""
    digest = hashlib.sha256(f"{seed}/{n}".encode()).digest()
    return "".join(chr(ord("a") + b % 26) for b in digest[: 4 + digest[-1] % 5])


@st.composite
def paper(draw: st.DrawFn) -> list[str]:
    """Paragraphs of words used once each in the paper, so any run of words is unique."""
    sizes = draw(st.lists(st.integers(6, 30), min_size=2, max_size=14))
    seed = draw(st.integers(0, 2**32))
    words = [word(seed, n) for n in range(sum(sizes))]
    paragraphs, at = [], 0
    for size in sizes:
        paragraphs.append(" ".join(words[at : at + size]))
        at += size
    return paragraphs


def paginate(paragraphs: list[str], breaks: list[int]) -> list[str]:
    """Lay paragraphs on pages; `breaks` are the paragraph indexes that start a new page."""
    pages: list[list[str]] = [[]]
    for n, paragraph in enumerate(paragraphs):
        if n in breaks and pages[-1]:
            pages.append([])
        pages[-1].append(paragraph)
    return ["\n".join(page) for page in pages]


def page_of(pages: list[str], text: str) -> set[int]:
    return {n for n, page in enumerate(pages) if text in page}


@st.composite
def quote_in(draw: st.DrawFn, paragraphs: list[str]) -> tuple[int, str]:
    """A paragraph index and 4+ consecutive words of it."""
    index = draw(st.integers(0, len(paragraphs) - 1))
    words = paragraphs[index].split()
    start = draw(st.integers(0, len(words) - 4))
    end = draw(st.integers(start + 4, len(words)))
    return index, " ".join(words[start:end])


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_text_moved_to_another_page_is_followed(data: st.DataObject) -> None:
    paragraphs = data.draw(paper())
    old_breaks = data.draw(st.lists(st.integers(1, len(paragraphs) - 1), max_size=5))
    new_breaks = data.draw(st.lists(st.integers(1, len(paragraphs) - 1), max_size=5))
    old, new = paginate(paragraphs, old_breaks), paginate(paragraphs, new_breaks)
    index, quote = data.draw(quote_in(paragraphs))
    old_page = min(page_of(old, paragraphs[index]))

    (placed,) = reanchor([Anchor(old_page, quote)], new)

    assert placed.method is Method.EXACT
    assert placed.page in page_of(new, paragraphs[index])
    assert placed.start is not None and placed.end is not None
    assert new[placed.page][placed.start : placed.end] == quote


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_inserted_paragraphs_do_not_lose_an_annotation(data: st.DataObject) -> None:
    paragraphs = data.draw(paper())
    index, quote = data.draw(quote_in(paragraphs))
    inserted = list(paragraphs)
    extra = data.draw(st.lists(PARAGRAPH, min_size=1, max_size=6))
    for n, body in enumerate(extra):
        at = data.draw(st.integers(0, len(inserted)))
        inserted.insert(at, f"new{n}y {body}")  # new words may repeat old ones: fine
    old = paginate(paragraphs, [3, 6, 9])
    new = paginate(inserted, [2, 5, 8, 11, 14])
    old_page = min(page_of(old, paragraphs[index]))

    (placed,) = reanchor([Anchor(old_page, quote)], new)

    assert not placed.orphaned
    assert placed.page is not None and quote in new[placed.page]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_deleted_paragraph_orphans_its_annotation_and_only_its(data: st.DataObject) -> None:
    paragraphs = data.draw(paper())
    index, quote = data.draw(quote_in(paragraphs))
    other = data.draw(st.integers(0, len(paragraphs) - 1).filter(lambda n: n != index))
    _, other_quote = data.draw(quote_in([paragraphs[other]]))
    # The quote must not occur anywhere else (random words could repeat a short run).
    kept = [p for n, p in enumerate(paragraphs) if n != index]
    if any(quote in p for p in kept) or normalise(quote)[0] in normalise("\n".join(kept))[0]:
        return
    new = paginate(kept, [2, 4])

    deleted, survivor = reanchor([Anchor(0, quote), Anchor(0, other_quote)], new)

    assert deleted.orphaned and deleted.page is None
    assert not survivor.orphaned and survivor.page is not None
    assert other_quote in new[survivor.page]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_rewrapped_and_hyphenated_text_is_found_normalised(data: st.DataObject) -> None:
    paragraphs = data.draw(paper())
    index, quote = data.draw(quote_in(paragraphs))
    words = paragraphs[index].split()
    # Re-wrap the paragraph: each space becomes a line break or a hyphenated break.
    breaks = data.draw(st.lists(st.sampled_from([" ", "\n", "  ", "-\n"]), min_size=len(words)))
    rewrapped = words[0]
    for word, gap in zip(words[1:], breaks, strict=False):
        rewrapped += (gap + word) if gap != "-\n" else (" " + word[:1] + "-\n" + word[1:])
    changed = list(paragraphs)
    changed[index] = rewrapped

    (placed,) = reanchor([Anchor(0, quote.upper())], paginate(changed, [3]))

    assert placed.method in {Method.NORMALISED, Method.EXACT}
    assert placed.page is not None


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_corrected_word_is_found_fuzzily_on_its_new_page(data: st.DataObject) -> None:
    paragraphs = data.draw(paper())
    index = data.draw(st.integers(0, len(paragraphs) - 1))
    words = paragraphs[index].split()
    start = data.draw(st.integers(0, len(words) - 6))
    quoted = words[start : start + 6]
    changed = data.draw(st.integers(0, 5))
    # The new version corrects one word of the quoted passage (a letter changed).
    fixed = list(words)
    fixed[start + changed] = "q" + fixed[start + changed][1:]
    assume(fixed[start + changed] != words[start + changed])
    new_paragraphs = list(paragraphs)
    new_paragraphs[index] = " ".join(fixed)
    new = paginate(new_paragraphs, data.draw(st.lists(st.integers(1, len(paragraphs)), max_size=4)))

    (placed,) = reanchor([Anchor(0, " ".join(quoted))], new)

    assert placed.method is Method.FUZZY and placed.score >= 0.8
    assert placed.page is not None
    assert fixed[start + changed] in new[placed.page]


def test_normalise_irons_out_hyphenation_case_quotes_and_ligatures() -> None:
    text, where = normalise("Exam-\nple of  “Well-being” –\tﬁne")
    assert text == 'example of "wellbeing" fine'
    assert len(where) == len(text)
    assert where[0] == 0


def test_a_hyphen_inside_a_line_is_not_a_break() -> None:
    assert normalise("child- and family-centred")[0] == "child and familycentred"


def test_fuzzy_match_survives_a_reworded_word() -> None:
    pages = [
        "Introduction to the paper.",
        "The board agreed that the recovery trajectory is reported month by month.",
    ]
    placed = find_quote(pages, "recovery trajectory will be reported month by month", 0)
    assert placed.method is Method.FUZZY
    assert placed.page == 1 and placed.score >= 0.8


def test_fuzzy_match_refuses_unrelated_text() -> None:
    pages = ["The board agreed the risk register.", "Attendance and apologies."]
    placed = find_quote(pages, "children placed more than twenty miles from home", 0)
    assert placed.orphaned


def test_short_quotes_are_never_matched_fuzzily() -> None:
    assert len("red or overdo") < MIN_FUZZY_CHARS
    assert find_quote(["Red or overdue"], "Red or overdo", 0).orphaned
    assert find_quote(["Red or overdue"], "red  or\noverdue", 0).method is Method.NORMALISED


def test_the_occurrence_nearest_the_old_page_wins() -> None:
    pages = ["x", "alpha beta gamma delta", "y", "alpha beta gamma delta", "z"]
    assert find_quote(pages, "alpha beta gamma", 4).page == 3
    assert find_quote(pages, "alpha beta gamma", 0).page == 1
    assert find_quote(pages, "alpha beta gamma", 2).page == 1  # a tie goes to the earlier page


def test_a_note_without_a_quote_keeps_its_page_while_the_page_exists() -> None:
    kept, gone = reanchor([Anchor(1, None), Anchor(5, None)], ["a", "b"])
    assert kept.method is Method.PAGE and kept.page == 1
    assert gone.orphaned


def test_rects_hint_covers_the_matched_characters_line_by_line() -> None:
    text = "first line of text\nsecond line here\n"
    runs = (TextRun(0, 18, (0.1, 0.1, 0.9, 0.12)), TextRun(19, 35, (0.1, 0.13, 0.8, 0.15)))
    placed = find_quote([PageText(text, runs)], "text second", 0)
    assert placed.method is Method.NORMALISED
    assert len(placed.rects) == 2
    (x0, y0, x1, _), (a0, b0, a1, _) = placed.rects
    assert 0.1 < x0 < x1 <= 0.9 and y0 == 0.1
    assert a0 == 0.1 and b0 == 0.13 and a1 < 0.8
    assert rects_for(runs, 100, 120) == ()
