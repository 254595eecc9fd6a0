"""The narrative's main timeline (DECISIONS D170): asides that leave the story's time do not capture it.

All sentences are invented for these tests.
"""

from __future__ import annotations

from serge_corpus.dates import apply_dates, find_dates
from serge_corpus.dates.timeline import Lookahead, is_excursion, opens_sentence, restates, year_range
from serge_corpus.dates.vocab import load_vocabulary
from serge_corpus.model import Block


def values(text: str) -> dict[str, tuple[str | None, str | None]]:
    return {s.text: (s.date.value, s.date.anchor) for s in find_dates(text)}


def test_a_flash_forward_followed_by_a_return_does_not_capture_the_reference() -> None:
    text = (
        "The fort was shelled on 3 May 1871. A report published in 1920 claimed that no shell hit it on 9 May. "
        "The garrison left on 12 June. In 1872 the fort was rebuilt."
    )
    found = values(text)
    assert found["9 May"] == ("1871-05-09", "1871-05-03")
    assert found["12 June"] == ("1871-06-12", "1871-05-09")
    assert found["1920"] == ("1920", None)  # the aside itself is a date like any other


def test_a_plan_for_a_later_year_does_not_move_the_reference() -> None:
    text = (
        "On 2 March 1917 the council met to prepare a campaign planned for 1918. "
        "On 9 March the strikes began, and by 20 April the city was calm. Elections followed in 1917."
    )
    found = values(text)
    assert found["9 March"][0] == "1917-03-09"
    assert found["20 April"][0] == "1917-04-20"


def test_a_flashback_in_a_subordinate_clause_does_not_move_it() -> None:
    text = (
        "In May 1944 the army crossed the river, which rebels had held since late 1941. "
        "By June the front had moved west. The campaign ended in 1944."
    )
    assert values(text)["June"][0] == "1944-06"


def test_a_backward_relative_date_is_an_excursion_too() -> None:
    text = (
        "In January 1942 the offensive stalled, after the gains of the previous year. "
        "In March the troops withdrew. Peace came in May 1942."
    )
    found = values(text)
    assert found["previous year"][0] == "1941"
    assert found["March"][0] == "1942-03"


def test_a_date_that_opens_its_sentence_sets_the_scene_even_when_the_text_goes_back_later() -> None:
    text = (
        "In March 1776 the siege was lifted.\n"
        "Two columns marched north. On September 28, 1775, the first column left the lake, took the fort "
        "on November 2 and the town on November 13. It waited for the spring of 1776."
    )
    found = values(text)
    assert found["November 2"][0] == "1775-11-02"
    assert found["November 13"][0] == "1775-11-13"


def test_a_scene_setting_date_gives_the_following_relative_dates_their_anchor() -> None:
    text = "The party won in 1920.\nOn 3 May 1915, it had split. Two weeks later it reunited. In 1920 it ruled."
    assert values(text)["Two weeks later"] == ("1915-05-17", "1915-05-03")


def test_partial_dates_that_only_keep_their_order_from_the_new_date_follow_it() -> None:
    # Mid-sentence, but the days read from the old reference (1916) would come after the next date (1916).
    text = (
        "The rebellion was crushed in mid-1916. The kingdom, encouraged by a landing in April 1915, "
        "declared war on May 23 and attacked in June. Its offensive stalled in the spring of 1916."
    )
    found = values(text)
    assert found["May 23"][0] == "1915-05-23"


def test_anaphora_point_at_the_last_date_mentioned_even_an_aside() -> None:
    text = (
        "On 11 May 1941 the island held. The war in the east had been stalemated by 1940. "
        "In August of that year the partisans attacked. In January 1941 the truce broke."
    )
    assert values(text)["August of that year"] == ("1940-08", "1940")


def test_a_year_that_restates_the_reference_keeps_the_finer_date() -> None:
    text = "On December 7, 1941, the fleet was attacked, and in 1941 the war spread. In January the allies met."
    assert values(text)["January"] == ("1942-01", "1941-12-07")  # D160: January after a December day


def test_apply_dates_follows_the_timeline_across_blocks() -> None:
    texts = [
        "The strike began on 4 April 1905.",
        "A history written in 1960 says it ended on 20 April.",
        "On 1 May the workers marched. The union was banned in 1906.",
    ]
    blocks = [Block(id=f"t-{i}", doc_id="t", block="body", offset=100 * i, text=t) for i, t in enumerate(texts)]
    found = {s.text: s.date.value for b in apply_dates(blocks) for s in b.spans}
    assert found["20 April"] == "1905-04-20"
    assert found["1 May"] == "1905-05-01"


def test_timeline_helpers() -> None:
    assert year_range("194X") == (1940, 1949)
    assert year_range("1934/1938") == (1934, 1938)
    assert year_range(None) is None
    assert restates("1941-12-07", "1941") and not restates("1941", "1941-12-07") and not restates("1940-05", "1941")
    back = Lookahead(following="1964")
    assert is_excursion("1964-08", "2005", back)
    assert not is_excursion("1964-08", "1965", Lookahead(following="1966"))
    assert not is_excursion("1964-08", "2005", Lookahead(following="1964", scene=True))
    assert not is_excursion("1861/1863", "1861-07", Lookahead(following="1862"))  # inside the reference: no jump
    assert not is_excursion(None, "2005", back)


def test_opens_sentence() -> None:
    scene = load_vocabulary().scene_words
    text = "The army rested. At the end of 1943, it moved. It reached the coast in 1944."
    assert opens_sentence(text, text.index("1943"), scene)
    assert not opens_sentence(text, text.index("1944"), scene)
    text = "Meanwhile, on 24 June, the council met."
    assert opens_sentence(text, text.index("24"), scene)


def test_a_scene_date_whose_following_days_only_fit_the_old_reference_is_an_excursion() -> None:
    text = (
        "On 9 April 1871 the town fell. In November 1890, a memoir praised the siege. "
        "On April 15 the garrison surrendered, and the treaty of April 21, 1871 ended the war."
    )
    assert values(text)["April 15"] == ("1871-04-15", "1871-04-09")
