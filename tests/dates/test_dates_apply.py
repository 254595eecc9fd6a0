"""`apply_dates`: merging with NER spans, reference flow across blocks, flatness, determinism."""

from __future__ import annotations

from serge_corpus.dates import apply_dates
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block, DateValue, Span


def span(text: str, sub: str, label: str, date: DateValue | None = None) -> Span:
    start = text.index(sub)
    return Span(start, start + len(sub), label, sub, date)


def block(n: int, text: str, *spans: Span, kind: str = "body") -> Block:
    return Block(f"doc:{n:04d}", "doc", kind, 1000 * n, text, spans=tuple(spans))


def labelled(b: Block) -> list[tuple[str, str, str | None]]:
    return [(s.label, s.text, s.date.value if s.date else None) for s in b.spans]


def test_detector_adds_dates_the_ner_missed_and_keeps_named_spans() -> None:
    text = "In 1919 Luxemburg was killed in Berlin."
    [out] = apply_dates([block(1, text, span(text, "Luxemburg", "PERSON"), span(text, "Berlin", "GPE"))])
    assert labelled(out) == [("DATE", "1919", "1919"), ("PERSON", "Luxemburg", None), ("GPE", "Berlin", None)]


def test_ner_date_cut_wrongly_takes_the_detector_boundaries() -> None:
    text = "In the spring of 1925, Zinoviev turned."
    [out] = apply_dates([block(1, text, span(text, "the spring of", "DATE"), span(text, "1925, Zinoviev", "DATE"))])
    assert labelled(out) == [("DATE", "spring of 1925", "1925-21")]


def test_ner_only_date_is_trimmed_and_normalised_against_the_reference() -> None:
    first = "In 1921 the sailors rose."
    second = "Come October, the ice held."
    out = apply_dates([block(1, first), block(2, second, span(second, "Come October", "DATE"))])
    [date] = out[1].spans
    assert (date.text, date.date.value, date.date.anchor) == ("October", "1921-10", "1921")


def test_ner_only_season_is_cut_to_the_season_and_not_fixed() -> None:
    # DECISIONS D123: "In the extreme winter" -> DATE "winter", value null, whatever the reference.
    first = "In 1921 the sailors rose."
    second = "The hungry winter came and the ice held."
    out = apply_dates([block(1, first), block(2, second, span(second, "The hungry winter", "DATE"))])
    assert [(s.text, s.date) for s in out[1].spans] == [("winter", DateValue("DATE", None))]


def test_ner_only_date_the_detector_cannot_read_is_kept_with_a_null_value() -> None:
    text = "At Christmas the truce held."
    [out] = apply_dates([block(1, text, span(text, "Christmas", "DATE"))])
    assert labelled(out) == [("DATE", "Christmas", None)]
    assert out.spans[0].date == DateValue("DATE", None)


def test_vague_and_event_anchored_ner_dates_are_dropped() -> None:
    # DECISIONS D122 (vague words, event-anchored phrases, events inside) and D114 (month in a name).
    cases = [
        ("Afterwards, the tsar abdicated.", "Afterwards"),
        ("Very soon the strikes spread.", "Very soon"),
        ("Bread was their daily food.", "daily"),
        ("At the end of the Crimean War the serfs hoped.", "the end of the Crimean War"),
        ("On the tenth anniversary of the revolution he spoke.", "tenth anniversary of the revolution"),
        ("The Napoleonic War years were hard.", "Napoleonic War years"),
        ("Those were the years of the shot.", "the years"),
        ("He lived in the century of steam.", "century"),
        ("The February revolution began in Petrograd.", "February"),
    ]
    for text, ner in cases:
        [out] = apply_dates([block(1, text, span(text, ner, "DATE"))])
        assert out.spans == (), text
    text = "At the end of the Crimean War the serfs hoped."
    [out] = apply_dates(
        [block(1, text, span(text, "the end of the Crimean War", "DATE"), span(text, "Crimean War", "EVENT"))]
    )
    assert labelled(out) == [("EVENT", "Crimean War", None)]


def test_prepositions_leave_a_ner_date_and_a_quantifier_stays() -> None:
    # DECISIONS D119 and D121.
    text = "Serfdom existed prior to 1861; a few weeks later it was gone."
    spans = (span(text, "prior to 1861", "DATE"), span(text, "a few weeks later", "DATE"))
    [out] = apply_dates([block(1, text, *spans)])
    assert [(s.text, s.date.value, s.date.mod, s.date.anchor) for s in out.spans] == [
        ("1861", "1861", None, None),
        ("a few weeks later", "1861", None, "1861"),
    ]


def test_existing_date_object_on_a_ner_date_is_kept() -> None:
    text = "The hungry winter was the coldest."
    given = DateValue("DATE", "1921-24", anchor="1921")
    [out] = apply_dates([block(1, text, span(text, "hungry winter", "DATE", given))])
    assert out.spans[0].date == given


def test_work_of_art_containing_a_date_wins() -> None:
    text = "He wrote Revolution in Brazil: 1500-2019 in prison."
    title = span(text, "Revolution in Brazil: 1500-2019", "WORK_OF_ART")
    [out] = apply_dates([block(1, text, title)])
    assert labelled(out) == [("WORK_OF_ART", "Revolution in Brazil: 1500-2019", None)]


def test_larger_named_unit_wins_over_the_date_inside() -> None:
    text = "The Revolution of 1917 changed everything."
    [out] = apply_dates([block(1, text, span(text, "Revolution of 1917", "EVENT"))])
    assert labelled(out) == [("EVENT", "Revolution of 1917", None)]


def test_named_span_swallowing_a_lifespan_is_cut_before_the_parenthesis() -> None:
    text = "It was led by G. Zinoviev (1883-1936) then."
    [out] = apply_dates([block(1, text, span(text, "G. Zinoviev (1883-1936)", "PERSON"))])
    assert labelled(out) == [("PERSON", "G. Zinoviev", None), ("DATE", "1883-1936", "1883/1936")]


def test_date_wins_over_a_shorter_overlapping_span_and_unannotated_labels() -> None:
    text = "Since December 1925 the troika ruled; 40 delegates."
    spans = (span(text, "December", "PERSON"), span(text, "1925", "CARDINAL"), span(text, "40", "CARDINAL"))
    [out] = apply_dates([block(1, text, *spans)])
    assert labelled(out) == [("DATE", "December 1925", "1925-12"), ("CARDINAL", "40", None)]


def test_reference_flows_across_blocks_but_only_body_moves_it() -> None:
    blocks = [
        block(1, "In 1923 the Opposition formed."),
        block(2, "Photograph taken in 1950.", kind="caption"),
        block(3, "In December of that year Trotsky wrote."),
    ]
    out = apply_dates(blocks)
    assert (out[2].spans[0].date.value, out[2].spans[0].date.anchor) == ("1923-12", "1923")


def test_dates_in_a_title_do_not_move_the_reference() -> None:
    text = "In 1945 he wrote Thirty years after 1917, a testament. The following year he died."
    title = span(text, "Thirty years after 1917", "WORK_OF_ART")
    [out] = apply_dates([block(1, text, title)])
    assert labelled(out)[-1] == ("DATE", "following year", "1946")


def test_boilerplate_blocks_are_untouched() -> None:
    text = "Related article 15/06/2024 by someone"
    original = block(1, text, kind="boilerplate")
    assert apply_dates([original]) == [original]


def test_anchor_starts_the_reference() -> None:
    [out] = apply_dates([block(1, "That year he left.")], anchor="1936")
    assert out.spans[0].date.value == "1936"


def test_result_is_valid_flat_deterministic_and_idempotent() -> None:
    text = "In 1923, G. Zinoviev (1883-1936) and L. Kamenev met twice a year for five years, until 1927-28."
    spans = (
        span(text, "G. Zinoviev (1883-1936) and L. Kamenev", "PERSON"),
        span(text, "1923, G.", "DATE"),
        span(text, "five", "CARDINAL"),
    )
    blocks = [block(1, text, *spans)]
    once = apply_dates(blocks)
    assert once == apply_dates(blocks)
    assert apply_dates(once) == once
    rows = [(i + 1, b.to_dict()) for i, b in enumerate(once)]
    assert validate_rows(rows) == []


def test_ner_only_date_follows_the_news_tense_rule_with_a_dct() -> None:
    """With a DCT, a NER-only DATE ("August" before a capitalised name, skipped by the detector) is placed by tense."""
    text = "In August Hollis resigned from the board of the museum."
    ner = span(text, "August", "DATE")
    [detected] = apply_dates([block(1, text)], dct="2021-04-14")
    assert labelled(detected) == []  # the detector alone does not take "August Hollis"
    [past] = apply_dates([block(1, text, ner)], dct="2021-04-14")
    assert labelled(past) == [("DATE", "August", "2020-08")]  # past tense, DCT in April: the August before
    future = "In August Hollis will join the board of the museum."
    [ahead] = apply_dates([block(1, future, span(future, "August", "DATE"))], dct="2021-09-20")
    assert labelled(ahead) == [("DATE", "August", "2022-08")]
    [narrative] = apply_dates([block(1, text, ner)], anchor="2021-04-14")  # no DCT: the reference's year
    assert labelled(narrative) == [("DATE", "August", "2021-08")]
