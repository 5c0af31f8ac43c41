"""Plain-language summary of a recording: frames, who was seen when, tracking gaps, several people.

Works on the per-frame results alone (no video, no model), so a file and the webcam are described alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from formcheck.values import FrameResult, Summary

MSG_ONE_FRAME = "The video holds a single frame: angles are shown, but reps and holds need a recording of the movement."
MSG_MORE_PEOPLE = (
    "{n} people in view: formcheck follows the largest (nearest) one. For reliable numbers, only the "
    "person exercising should be in view."
)


def summarise(source: str, results: list[FrameResult], video_fps: float, elapsed_s: float) -> Summary:
    frames = len(results)
    with_person = sum(r.detected for r in results)
    multi = sum(r.n_people > 1 for r in results)
    duration = results[-1].timestamp_s + (1.0 / video_fps if video_fps > 0 else 0.0) if results else 0.0
    summary = Summary(
        source, frames, with_person, multi, duration, video_fps, frames / elapsed_s if elapsed_s > 0 else math.inf
    )
    summary.landmarks = next((len(r.pose.xy) for r in results if r.detected and r.pose is not None), 0)
    summary.messages = person_messages(results)
    return summary


DIM_SHARE = 0.3  # of the frames with a person: dim often enough to say so, as for a picture problem
MSG_ROLLED = (
    "The camera stood about {deg:.0f} deg crooked (the room's vertical lines lean): formcheck measured your angles "
    "against the room's true vertical. Stand the phone upright for the most exact numbers."
)
MSG_DIM = (
    "The room was dim in {share:.0%} of the frames with you in view: formcheck brightened the picture to find you, "
    "but in dim light angles are less exact and a fault may be reported that was not there. Turn on a light or face "
    "a window for reliable numbers."
)


def person_messages(results: list[FrameResult]) -> list[str]:
    """Plain-language notes about who was seen: nobody, somebody only part of the time, in dim light, several
    people."""
    frames = len(results)
    if frames == 0:
        return ["The file holds no frames."]
    seen = [r for r in results if r.detected]
    msgs: list[str] = []
    problems = [r.problem for r in results if r.problem]
    if len(problems) > 0.3 * frames:  # the picture itself is the trouble: say so, with the commonest problem
        worst = max(set(problems), key=problems.count)
        msgs.append(f"{problems.count(worst) / frames:.0%} of frames: {worst}")
    if not seen:
        msgs.append("No person was found in any frame. Make sure your whole body is in view and well lit.")
        return msgs
    share = len(seen) / frames
    if share < 0.9:
        first, last = seen[0].timestamp_s, seen[-1].timestamp_s
        msgs.append(
            f"A person was found in {share:.0%} of frames (first at {first:.1f} s, last at {last:.1f} s); "
            f"the rest had nobody in view."
        )
    gaps = tracking_gaps(results)
    if gaps:
        listed = ", ".join(f"at {start:.1f} s for {length:.1f} s" for start, length in gaps[:3])
        msgs.append(
            f"Tracking was lost {len(gaps)} time{'s' if len(gaps) > 1 else ''} ({listed}"
            f"{', ...' if len(gaps) > 3 else ''}); reps and holds pause while nobody is tracked."
        )
    dim = sum(r.gain > 1.0 for r in seen)
    if dim > DIM_SHARE * len(seen):
        msgs.append(MSG_DIM.format(share=dim / len(seen)))
    rolled = sorted(abs(r.roll_deg) for r in seen if r.roll_deg)
    if len(rolled) > 0.5 * len(seen):
        msgs.append(MSG_ROLLED.format(deg=rolled[len(rolled) // 2]))
    multi = sum(r.n_people > 1 for r in results)
    if multi > 0.1 * frames:
        msgs.append(
            f"More than one person was in view in {multi / frames:.0%} of frames; formcheck followed the "
            f"largest (nearest) person. Analyse one person at a time for reliable numbers."
        )
    return msgs


def tracking_gaps(results: Sequence[FrameResult], min_gap_s: float = 0.5) -> list[tuple[float, float]]:
    """(start, length) in seconds of each stretch of at least ``min_gap_s`` without a detection, between two
    stretches with one (the person was there, was lost, and was found again)."""
    gaps, lost_at, seen = [], None, False
    for r in results:
        if r.detected:
            if lost_at is not None and seen and r.timestamp_s - lost_at >= min_gap_s:
                gaps.append((lost_at, r.timestamp_s - lost_at))
            seen, lost_at = True, None
        elif lost_at is None:
            lost_at = r.timestamp_s
    return gaps
