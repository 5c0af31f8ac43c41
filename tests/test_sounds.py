import pytest

from formcheck.media.sounds import PRIORITY, TONES, SoundPlanner


@pytest.mark.parametrize("sound", sorted(TONES))
def test_each_sound_has_audible_notes_of_a_fixed_length(sound):
    freqs, note_s = TONES[sound]
    assert freqs and all(200 <= f <= 2000 for f in freqs) and 0.05 <= note_s <= 0.2


def test_planner_picks_the_most_important_and_spaces_buzzes_by_frame_time():
    planner = SoundPlanner(form_break_gap_s=3.0)
    assert planner.pick(["rep", "hold_complete"], 0.0) == "hold_complete"
    assert planner.pick(["form_break"], 1.0) == "form_break"
    assert planner.pick(["form_break"], 2.0) is None  # a flickering joint does not buzz every frame
    assert planner.pick(["form_break", "rep"], 2.5) == "rep"
    assert planner.pick(["form_break"], 4.1) == "form_break"
    assert planner.pick([], 5.0) is None
    with pytest.raises(ValueError, match="form_break_gap_s must be >= 0"):
        SoundPlanner(-1.0)
    assert set(PRIORITY) == set(TONES)
