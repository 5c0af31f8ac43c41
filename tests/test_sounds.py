import io
import wave

import numpy as np
import pytest

from formcheck.media.sounds import PRIORITY, SAMPLE_RATE, TONES, SoundPlanner, most_important, tone_wav


@pytest.mark.parametrize("sound", sorted(TONES))
def test_each_sound_is_a_wav_of_its_declared_notes(sound):
    with wave.open(io.BytesIO(tone_wav(sound))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(float)
    freqs, note_s = TONES[sound]
    assert len(pcm) == pytest.approx(len(freqs) * (note_s + 0.03) * SAMPLE_RATE, abs=len(freqs) * 2)
    first = pcm[: int(note_s * SAMPLE_RATE)]
    spectrum = np.abs(np.fft.rfft(first))
    peak_hz = np.fft.rfftfreq(len(first), 1 / SAMPLE_RATE)[spectrum.argmax()]
    assert peak_hz == pytest.approx(freqs[0], abs=15)
    assert abs(pcm[0]) < 200 and np.abs(pcm).max() > 10_000  # fades in, and is audible


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match="sound must be one of"):
        tone_wav("gong")
    with pytest.raises(ValueError, match="volume must be in"):
        tone_wav("rep", volume=2)


def test_planner_picks_the_most_important_and_spaces_buzzes_by_frame_time():
    planner = SoundPlanner(form_break_gap_s=3.0)
    assert planner.pick(["rep", "hold_complete"], 0.0) == "hold_complete"
    assert planner.pick(["form_break"], 1.0) == "form_break"
    assert planner.pick(["form_break"], 2.0) is None  # a flickering joint does not buzz every frame
    assert planner.pick(["form_break", "rep"], 2.5) == "rep"
    assert planner.pick(["form_break"], 4.1) == "form_break"
    assert planner.pick([], 5.0) is None
    assert most_important(["rep", "routine_done"]) == "routine_done" and most_important([]) is None
    assert set(PRIORITY) == set(TONES)
