"""Audio cues: which event deserves a sound, and each sound's notes (the live view plays them with the browser's
Web Audio oscillators: no files, no network).

Sounds are short tones, distinct by pitch and rhythm so a person on the mat can tell them apart without looking:

| sound           | when                                         | tones (Hz), each note's length       |
|-----------------|----------------------------------------------|--------------------------------------|
| ``routine_done``| the last set of the guided routine is done   | 523, 659, 784, 1047 rising, 0.15 s   |
| ``set_done``    | a set of the guided routine is done          | 523, 784 rising, 0.15 s              |
| ``hold_complete``| a hold reached its target time              | 659, 988 rising, 0.12 s              |
| ``rep``         | a rep was counted                            | 880, one 0.08 s blip                 |
| ``form_break``  | the form went from right to wrong            | 220, 220 low double buzz, 0.1 s      |

``SoundPlanner`` picks at most one sound per frame (the most important event) and keeps form-break buzzes at
least ``form_break_gap_s`` apart, measured on frame timestamps, so a flickering joint does not buzz every frame.
"""

from __future__ import annotations

TONES: dict[str, tuple[tuple[float, ...], float]] = {  # sound -> (note frequencies in Hz, seconds per note)
    "routine_done": ((523.0, 659.0, 784.0, 1047.0), 0.15),
    "set_done": ((523.0, 784.0), 0.15),
    "hold_complete": ((659.0, 988.0), 0.12),
    "rep": ((880.0,), 0.08),
    "form_break": ((220.0, 220.0), 0.10),
}
PRIORITY = ("routine_done", "set_done", "hold_complete", "rep", "form_break")  # most important first


class SoundPlanner:
    """Turns a frame's feedback events into at most one sound name (or None)."""

    def __init__(self, form_break_gap_s: float = 3.0) -> None:
        if form_break_gap_s < 0:
            raise ValueError(f"form_break_gap_s must be >= 0 seconds, got {form_break_gap_s}")
        self.form_break_gap_s = form_break_gap_s
        self._last_break_t: float | None = None

    def pick(self, events: list[str], t: float) -> str | None:
        for sound in PRIORITY:
            if sound not in events:
                continue
            if sound == "form_break":
                if self._last_break_t is not None and 0 <= t - self._last_break_t < self.form_break_gap_s:
                    continue
                self._last_break_t = t
            return sound
        return None
