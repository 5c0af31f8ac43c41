"""Low-lag temporal smoothing of landmarks (One Euro filter) that bridges short dropouts.

The One Euro filter (Casiez et al., CHI 2012) is a low-pass filter whose cutoff rises with speed: still poses are
smoothed hard (no jitter on hold timers) while fast movement is followed with little lag (live cues stay in time).
Time comes from the frames' timestamps, so a file and a webcam behave alike.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from formcheck.landmarks import DEFAULT_MIN_VISIBILITY, Pose, step_velocity, too_fast


class OneEuroFilter:
    """Vectorised One Euro filter over an array of any fixed shape.

    Args:
        min_cutoff: cutoff frequency (Hz) at rest; lower = smoother when still. > 0.
        beta: speed coefficient; higher = less lag when moving. >= 0.
        d_cutoff: cutoff (Hz) for the derivative estimate. > 0.
    """

    def __init__(self, min_cutoff: float = 1.5, beta: float = 0.02, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0:
            raise ValueError(f"min_cutoff must be > 0 Hz, got {min_cutoff}")
        if beta < 0:
            raise ValueError(f"beta must be >= 0, got {beta}")
        if d_cutoff <= 0:
            raise ValueError(f"d_cutoff must be > 0 Hz, got {d_cutoff}")
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float, restart: np.ndarray | None = None) -> np.ndarray:
        """The filtered ``x`` at time ``t`` (seconds); entries where ``restart`` (a bool array broadcasting to
        ``x``) is True start afresh from their new value, as do entries that were missing (NaN)."""
        x = np.asarray(x, dtype=float)
        if self._x is None or self._t is None or t <= self._t or self._x.shape != x.shape:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        fresh = ~np.isfinite(self._x)  # entries that were missing restart from the new value
        if restart is not None:
            fresh = fresh | np.broadcast_to(restart, x.shape)
        dx = np.where(fresh, 0.0, (x - self._x) / dt)
        dx_hat = self._dx + self._alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
        x_hat = self._x + self._alpha(cutoff, dt) * (x - self._x)
        x_hat = np.where(fresh | ~np.isfinite(x_hat), x, x_hat)
        self._x, self._dx, self._t = x_hat, np.where(np.isfinite(dx_hat), dx_hat, 0.0), t
        return x_hat.copy()


WORLD_SCALE_M = 2.0  # metres that play the part of the image diagonal for the world landmarks' speed

# The shipped settings, from `python bench/smoothing.py` and the counts of `formcheck evaluate` (README, "Smoothing").
# The bench scores every setting frame by frame against each recording's own zero-lag 6 Hz movement; the lag it
# shows falls as either number rises. The counts set the limits, on the tune clips: with no smoother the model's short
# left/right swaps (a raised leg called the other leg for 0.3 s) count as reps; a 3 Hz rest cutoff, or beta 20,
# counts the bridge demo's third lift, whose way down an edit hides. So 1.5 Hz at rest, and beta 10: a limb moving
# 0.2 image diagonals a second (a knee hug or a leg raise on its way; 0.3 in its fastest tenth) lifts the cutoff to
# 1.5 + 10 x 0.2 = 3.5 Hz: at 30 frames/s it is 30 ms behind, where beta 0.5 was 86 ms (tests/test_smoothing.py).
MIN_CUTOFF_HZ = 1.5
BETA = 10.0  # per image diagonal per second of landmark speed


class PoseSmoother:
    """Smooths pixel landmarks of successive poses and bridges dropouts up to ``max_gap_s`` seconds.

    ``update(pose, t)`` returns the smoothed pose; with ``pose=None`` (nobody detected this frame) it returns the last
    pose marked ``held=True`` while the gap is short, then ``None``. Landmarks whose visibility falls below
    ``min_visibility`` restart their filter when they come back, so they never drag stale positions along.
    ``min_cutoff`` is in Hz; ``beta`` is per image diagonal per second of landmark speed (the pixel speed is divided
    by the image's diagonal, so one setting suits every resolution). World landmarks (metres) get a filter of their
    own with the same cutoffs and ``beta`` scaled by ``WORLD_SCALE_M`` (a body's extent, as the diagonal is the
    picture's), so the 3-D angles are as steady, and lag as little, as the 2-D ones. The model estimates every world
    landmark, seen or not, so that filter never restarts on low visibility.

    A landmark that moved faster than ``MAX_LIMB_SPEED`` since the last detection, and not the way it was going
    (:func:`formcheck.landmarks.too_fast`: a foot in fast high knees speeds up to that, a misread jumps there), was
    read somewhere else by the model (a knee on the other leg, or both legs' labels exchanged). It restarts too, in
    both filters: blending a misreading in would turn it into a plausible-looking movement over several frames, which
    the continuity watch (``formcheck.checking.continuity``) could no longer tell from a real one. The jump is passed
    on as it is.
    """

    def __init__(
        self,
        min_cutoff: float = MIN_CUTOFF_HZ,
        beta: float = BETA,
        max_gap_s: float = 0.5,
        min_visibility: float = DEFAULT_MIN_VISIBILITY,
    ) -> None:
        if max_gap_s < 0:
            raise ValueError(f"max_gap_s must be >= 0 seconds, got {max_gap_s}")
        self.max_gap_s = max_gap_s
        self.min_visibility = min_visibility
        self._beta = beta
        self._filter = OneEuroFilter(min_cutoff=min_cutoff, beta=beta)
        self._world = OneEuroFilter(min_cutoff=min_cutoff, beta=beta / WORLD_SCALE_M)
        self._last: Pose | None = None
        self._detected: tuple[np.ndarray, float, float] | None = None  # the last detection: (xy, t, body size)
        self._velocity: np.ndarray | None = None  # (33, 2) pixels per second over the step to the last detection

    def reset(self) -> None:
        self._filter.reset()
        self._world.reset()
        self._last = self._detected = self._velocity = None

    def update(self, pose: Pose | None, t: float) -> Pose | None:
        if pose is None:
            self._velocity = None  # no velocity is known across a dropout
            if self._last is not None and t - self._last.timestamp_s <= self.max_gap_s:
                return self._last.with_time(t, held=True)
            self.reset()
            return None
        if self._last is not None and pose.image_size != self._last.image_size:
            self.reset()
        diag = float(np.hypot(*pose.image_size))
        self._filter.beta = self._beta / diag  # beta in "per image diagonal", independent of resolution
        xy = np.where((pose.visibility >= self.min_visibility)[:, None], pose.xy, np.nan)
        jumped = self._jumped(xy, t)
        self._detected = (xy, t, pose.body_size())
        smooth = self._filter(xy, t, jumped[:, None])
        xy_out = np.where(np.isfinite(smooth), smooth, pose.xy)
        out = replace(pose, xy=xy_out, world=self._smooth_world(pose, t, jumped), timestamp_s=t, held=False)
        self._last = out
        return out

    def _jumped(self, xy: np.ndarray, t: float) -> np.ndarray:
        """(33,) bool: landmarks seen in the last detection and now that moved faster than ``MAX_LIMB_SPEED`` and not
        the way they were going (:func:`formcheck.landmarks.too_fast`)."""
        if self._detected is None or t <= self._detected[1]:
            self._velocity = None
            return np.zeros(len(xy), dtype=bool)
        before, t0, size = self._detected
        jumped = too_fast(before, xy, t - t0, size, self._velocity)
        self._velocity = step_velocity(before, xy, t - t0, jumped)
        return jumped

    def _smooth_world(self, pose: Pose, t: float, jumped: np.ndarray) -> np.ndarray | None:
        if pose.world is None:
            self._world.reset()
            return None
        smooth = self._world(pose.world, t, jumped[:, None])  # every world landmark is an estimate: no restarts on
        # low visibility, only where the picture's landmark jumped
        return np.where(np.isfinite(smooth), smooth, pose.world)
