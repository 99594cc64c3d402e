"""The active speaker policy on sample windows of loud-packet counts."""

from __future__ import annotations

from session_room.speakers import WINDOW_SECONDS, SpeakerTracker, SpeakerView


def feed(tracker: SpeakerTracker, start: float, windows: list[dict[str, int]]) -> float:
    at = start
    for counts in windows:
        at += WINDOW_SECONDS
        tracker.add(at, counts)
    return at


def test_the_first_person_to_speak_becomes_the_active_speaker_and_stays_in_silence() -> None:
    tracker = SpeakerTracker()
    assert tracker.add(0.4, {"ana": 15, "ben": 0}) == SpeakerView("ana", ("ana",))
    at = feed(tracker, 0.4, [{"ana": 0, "ben": 0}] * 5)
    assert tracker.view == SpeakerView("ana", ())
    assert tracker.add(at + 0.4, {"ana": 0}) is None


def test_a_short_interjection_does_not_take_over_but_a_sustained_one_does() -> None:
    tracker = SpeakerTracker()
    at = feed(tracker, 0.0, [{"ana": 15}] * 3)
    at = feed(tracker, at, [{"ana": 15, "ben": 18}] * 2)  # "yes, yes" over ana
    assert tracker.view.active == "ana" and tracker.view.speaking == ("ana", "ben")
    feed(tracker, at, [{"ana": 12, "ben": 18}] * 4)  # ben keeps talking louder
    assert tracker.view.active == "ben"


def test_when_the_active_speaker_stops_the_next_speaker_takes_over_at_once() -> None:
    tracker = SpeakerTracker()
    at = feed(tracker, 0.0, [{"ana": 15}] * 3)
    at = feed(tracker, at, [{"ana": 0}] * 4)  # ana's hold has passed
    tracker.add(at + 0.4, {"ben": 8})
    assert tracker.view == SpeakerView("ben", ("ben",))


def test_pauses_between_words_do_not_flicker_the_speaking_state() -> None:
    tracker = SpeakerTracker()
    changes = 0
    for n, count in enumerate([15, 0, 14, 2, 16, 0, 15]):
        changes += tracker.add(0.4 * (n + 1), {"ana": count}) is not None
    assert changes == 1 and tracker.view.speaking == ("ana",)


def test_someone_who_leaves_is_no_longer_the_active_speaker() -> None:
    tracker = SpeakerTracker()
    tracker.add(0.4, {"ana": 15})
    tracker.forget("ana")
    assert tracker.view == SpeakerView(None, ())
