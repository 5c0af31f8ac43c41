"""formcheck.pose.level (the camera's roll from the room's vertical lines) and formcheck.pose.measure.level_pose (the
pose turned back upright before it is measured)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from formcheck.landmarks import N_LANDMARKS, Pose
from formcheck.media.video import VideoSource
from formcheck.pose import level
from formcheck.pose.level import CameraLevel, RollReading, read_roll, settled_roll, vertical_lines
from formcheck.pose.measure import frame_result, level_pose
from formcheck.pose.pipeline import FramePipeline
from tests.conftest import media
from tests.factory import body_world, pose_from_world, side_pose, turned

SIZE = (640, 480)  # width, height


def _room(lean_per_width: float = 0.0, seed: int = 0, size: tuple[int, int] = SIZE) -> np.ndarray:
    """A grey room: door frames, shelves and cupboards as dark vertical edges across the picture (leaning by
    ``lean_per_width`` deg per picture width off the centre column, as a camera pitched down shows them), a few
    horizontal edges, and mild noise."""
    w, h = size
    rng = np.random.default_rng(seed)
    image = np.full((h, w, 3), 170, np.uint8)
    for x in np.linspace(40, w - 40, 12):
        lean = math.radians(lean_per_width * (x - w / 2) / w)
        top, bottom = rng.uniform(0.04, 0.25) * h, rng.uniform(0.62, 0.96) * h
        dx = math.tan(lean) * (bottom - top)
        pts = np.array([[x - 6, bottom], [x + 6, bottom], [x + 6 - dx, top], [x - 6 - dx, top]], np.int32)
        cv2.fillConvexPoly(image, pts, (60, 60, 60), lineType=cv2.LINE_AA)
    for y in (0.3 * h, 0.5 * h, 0.7 * h):
        cv2.line(image, (0, int(y)), (w, int(y)), (110, 110, 110), 3, cv2.LINE_AA)
    noise = rng.normal(0.0, 3.0, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def _rolled(image: np.ndarray, roll_deg: float, scale: float = 0.8) -> np.ndarray:
    """``image`` as a camera rolled ``roll_deg`` (counterclockwise as seen) shows it, black where nothing was."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), roll_deg, scale)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_AREA, borderValue=(0, 0, 0))


def _turned_pose(pose: Pose, roll_deg: float) -> Pose:
    """``pose`` as a camera rolled ``roll_deg`` sees it (the model's world skeleton turns with the camera)."""
    m = cv2.getRotationMatrix2D(tuple(np.array(pose.image_size) / 2.0), roll_deg, 1.0)
    xy = pose.xy @ m[:, :2].T + m[:, 2]
    world = None
    if pose.world is not None:
        world = pose.world.copy()
        world[:, :2] = pose.world[:, :2] @ m[:, :2].T
    return Pose(xy, pose.z, pose.visibility, world, pose.image_size, pose.timestamp_s)


# ---- one reading ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("roll", [-10.0, -4.0, 0.0, 3.0, 8.0, 14.0])
def test_a_rolled_camera_reads_its_roll_from_the_room(roll):
    reading = read_roll(_rolled(_room(), roll), None, 0.0)
    assert reading is not None
    assert reading.roll_deg == pytest.approx(roll, abs=0.5)


@pytest.mark.parametrize("roll", [0.0, 6.0])
def test_a_camera_pitched_down_is_not_read_as_rolled(roll):
    """Verticals converging downwards lean opposite ways on the two halves of the picture: that is no roll."""
    reading = read_roll(_rolled(_room(lean_per_width=-12.0), roll), None, 0.0)
    assert reading is not None
    assert reading.roll_deg == pytest.approx(roll, abs=0.7)


def test_a_pitched_portrait_recording_padded_into_a_landscape_frame_is_read():
    """A phone held upright and pitched down, its recording shown in a 640x480 frame with padded sides: the lines
    converge over a narrow strip of the frame, as fast per picture height as in the phone's own picture."""
    portrait = _rolled(_room(lean_per_width=-12.0, size=(360, 640)), 8.0)
    framed = np.zeros((480, 640, 3), np.uint8)
    framed[:, 185:455] = cv2.resize(portrait, (270, 480), interpolation=cv2.INTER_AREA)
    reading = read_roll(framed, None, 0.0)
    assert reading is not None  # none when the convergence was taken per picture width (-28 against 20)
    assert reading.roll_deg == pytest.approx(8.0, abs=0.7)


def test_black_padding_edges_are_not_the_room():
    """The edges of black padding are no wall's: a letterbox's are vertical whatever the camera did, and a picture
    turned inside a black frame (bench/conditions.py's `tilt`) has edges at exactly its turn."""
    plain = np.full((SIZE[1], SIZE[0], 3), 170, np.uint8)
    for y in (150, 250, 330):
        cv2.line(plain, (0, y), (SIZE[0], y), (90, 90, 90), 3, cv2.LINE_AA)
    assert read_roll(_rolled(plain, 8.0), None, 0.0) is None
    boxed = plain.copy()
    boxed[:, :100] = 0
    boxed[:, -100:] = 0
    assert read_roll(boxed, None, 0.0) is None
    for colour in (0, 255, 128):  # black bars, or white ones as a portrait clip padded for a webcam's 4:3
        image = _rolled(_room(), 4.0, scale=1.0)
        image[:, :200] = colour
        image[:, -200:] = colour
        reading = read_roll(image, None, 0.0)
        assert reading is not None
        assert reading.roll_deg == pytest.approx(4.0, abs=0.3), colour  # 3.4 if the bars' edges were walls


def test_a_plain_wall_gives_no_reading():
    image = np.full((SIZE[1], SIZE[0], 3), 170, np.uint8)
    cv2.line(image, (0, 300), (SIZE[0], 300), (90, 90, 90), 4)
    assert read_roll(image, None, 0.0) is None
    assert read_roll(np.zeros_like(image), None, 0.0) is None


def _standing_in(image: np.ndarray, x0: float, x1: float, y0: float, y1: float) -> Pose:
    """A pose whose landmarks fill the box (x0, y0)-(x1, y1) of ``image``."""
    rng = np.random.default_rng(1)
    xy = np.column_stack([rng.uniform(x0, x1, N_LANDMARKS), rng.uniform(y0, y1, N_LANDMARKS)])
    xy[0], xy[1] = (x0, y0), (x1, y1)
    h, w = image.shape[:2]
    return Pose(xy, np.zeros(N_LANDMARKS), np.ones(N_LANDMARKS), None, (w, h), 0.0)


def test_lines_on_the_person_and_on_the_floor_in_front_of_them_are_left_out():
    """A person's own limbs (leaning 12 deg) and floorboards below their feet (running away from the camera, 15
    deg) are not the room's verticals."""
    image = _room()
    for x in range(250, 400, 12):  # the person's legs and trunk
        cv2.line(image, (x, 380), (x + 50, 145), (20, 20, 20), 3, cv2.LINE_AA)
    image[400:] = 150
    for x in range(0, SIZE[0], 40):  # floorboards
        cv2.line(image, (x, 479), (x + 20, 405), (40, 40, 40), 3, cv2.LINE_AA)
    person = _standing_in(image, 240, 410, 130, 395)
    with_person = read_roll(image, person, 0.0)
    assert with_person is not None and with_person.roll_deg == pytest.approx(0.0, abs=0.5)
    leans = vertical_lines(image, None)[:, 0]
    assert np.sum(np.abs(leans) > 8.0) >= 10  # without the person, their lines and the floor's are found


# ---- readings over time ---------------------------------------------------------------------------------------------
def test_settled_roll_is_the_weighted_median_of_readings_that_agree():
    r = [RollReading(t, roll, weight) for t, roll, weight in ((0, 8.0, 3.0), (1, 8.4, 6.0), (2, 7.7, 2.0))]
    assert settled_roll(r) == pytest.approx(8.4)
    assert settled_roll([]) == 0.0
    assert settled_roll(r[:1]) == 8.0
    assert settled_roll([RollReading(0, 1.9, 5.0)]) == 0.0  # within the estimate's own error: left alone
    assert settled_roll([RollReading(0, -3.0, 5.0)]) == pytest.approx(-1.5)  # half of it: no jump at a threshold
    assert settled_roll([RollReading(0, -4.0, 5.0)]) == -4.0
    ramp = [settled_roll([RollReading(0, r, 1.0)]) for r in np.arange(0.0, 6.0, 0.05)]
    assert max(np.diff(ramp)) < 0.25  # continuous
    disagree = [RollReading(t, roll, 3.0) for t, roll in enumerate((8.0, -6.0, 8.0, -6.0))]
    assert settled_roll(disagree) == 0.0


def test_the_stream_reads_once_a_second_and_follows_a_camera_put_straight():
    lv = CameraLevel()
    rolled, upright = _rolled(_room(), 8.0), _rolled(_room(), 0.0)
    fps = 30.0
    seen = [lv.update(rolled, None, i / fps) for i in range(int(20 * fps))]
    assert seen[0] == pytest.approx(8.0, abs=0.5)  # the first picture already tells
    assert all(s == pytest.approx(8.0, abs=0.5) for s in seen)
    assert len(lv._readings) == level.WINDOW_S / level.SAMPLE_EVERY_S  # one a second, the last WINDOW_S kept
    after = [lv.update(upright, None, 20.0 + i / fps) for i in range(int(20 * fps))]
    assert after[-1] == 0.0  # the straightened camera, once its readings fill the window
    assert lv.update(rolled, None, 0.0) == pytest.approx(8.0, abs=0.5)  # time went back: a new stream


# ---- measuring the pose turned back upright ------------------------------------------------------------------------
def test_level_pose_undoes_the_roll_on_the_picture_and_on_the_model_skeleton():
    upright = pose_from_world(turned(body_world(hip_flexion_deg=60.0, knee_deg=100.0), 40.0), (1000, 800))
    seen = _turned_pose(upright, 9.0)
    back = level_pose(seen, 9.0)
    assert np.allclose(back.xy, upright.xy)
    assert back.world is not None and upright.world is not None
    assert np.allclose(back.world, upright.world)
    assert level_pose(seen, 0.0) is seen
    with pytest.raises(ValueError, match="roll_deg"):
        level_pose(seen, math.nan)


@pytest.mark.parametrize("yaw", [90.0, 40.0])
def test_angles_of_a_rolled_picture_are_measured_upright(yaw):
    upright = pose_from_world(turned(body_world(hip_flexion_deg=60.0, knee_deg=100.0), yaw), (1000, 800))
    seen = _turned_pose(upright, -9.0)
    truth = frame_result(upright, 0.0).angles
    fixed = frame_result(seen, 0.0, roll_deg=-9.0)
    crooked = frame_result(seen, 0.0).angles
    assert fixed.pose is seen  # the picture's pose stays, for drawing
    assert fixed.roll_deg == -9.0
    for name in ("trunk_vs_vertical", "left_thigh_vs_vertical", "left_leg_elevation", "left_hip_flexion"):
        assert fixed.angles[name] == pytest.approx(truth[name], abs=0.3), name
    assert abs(crooked["trunk_vs_vertical"] - truth["trunk_vs_vertical"]) > 6.0


def test_a_standing_side_pose_rolled_reads_its_trunk_upright_again():
    pose = side_pose()
    assert frame_result(_turned_pose(pose, 8.0), 0.0, roll_deg=8.0).angles["trunk_vs_vertical"] < 0.5


# ---- real pictures --------------------------------------------------------------------------------------------------
def _kneeling_frames(step: int = 45) -> list[np.ndarray]:
    source = VideoSource(media("kneeling_hip_flexor_stretch__side__skatefit.mp4"))
    return [f.image for i, f in enumerate(source) if i % step == 20]


def test_a_real_room_filmed_upright_is_left_alone_and_rolled_8_deg_is_read_within_a_degree():
    """The kneeling clip's room (curtains, a plant, a phone pitched down) reads 1.7 deg upright: under MIN_ROLL_DEG,
    so nothing is corrected; turned 8 deg as bench/conditions.py's `tilt` does, it reads 8 deg more."""
    frames = _kneeling_frames()
    upright = [read_roll(f, None, 0.0) for f in frames]
    rolled = [read_roll(_rolled(f, 8.0), None, 0.0) for f in frames]
    assert all(r is not None for r in upright + rolled)
    as_is = np.median([r.roll_deg for r in upright if r is not None])
    turned_ = np.median([r.roll_deg for r in rolled if r is not None])
    assert abs(as_is) < level.MIN_ROLL_DEG
    assert turned_ - as_is == pytest.approx(8.0, abs=1.0)


def test_the_model_on_a_rolled_real_recording_measures_the_trunk_as_upright():
    """End to end with the pose model: the kneeling stretch turned 8 deg. Uncorrected its trunk reads ~8 deg
    further from the vertical (bench/conditions.py `tilt`: 9.8 -> 20.1 median over the hold); the pipeline reads
    the roll and measures it within 2.5 deg of the upright recording."""
    from formcheck.pose.estimator import PoseEstimator

    frames = _kneeling_frames(step=30)[5:15]  # 5-15 s: the stretch is held

    def trunk(images: list[np.ndarray], level_on: bool) -> tuple[float, float]:
        with PoseEstimator("full", mode="image") as est:
            pipe = FramePipeline(est, None, level=level_on)
            results = [pipe.process(im, float(i)) for i, im in enumerate(images)]
        trunks = [r.angles.get("trunk_vs_vertical", math.nan) for r in results]
        return float(np.nanmedian(trunks)), float(np.median([r.roll_deg for r in results]))

    upright, upright_roll = trunk(frames, True)
    rolled_frames = [_rolled(f, 8.0) for f in frames]
    fixed, roll = trunk(rolled_frames, True)
    crooked, _ = trunk(rolled_frames, False)
    assert upright_roll == 0.0
    assert roll == pytest.approx(9.0, abs=1.5)
    assert abs(fixed - upright) < 2.5
    assert crooked - upright > 5.0


def test_the_summary_says_the_camera_stood_crooked():
    from formcheck.app.summary import MSG_ROLLED, person_messages
    from formcheck.values import FrameResult

    def results(roll: float) -> list[FrameResult]:
        out = []
        for i in range(60):
            r = FrameResult(i, i / 30, side_pose(t=i / 30), True, 1)
            r.roll_deg = roll if i >= 20 else 0.0  # the first reading can come late
            out.append(r)
        return out

    assert MSG_ROLLED.format(deg=8.2) in person_messages(results(8.2))
    assert "8 deg crooked" in MSG_ROLLED.format(deg=8.2)
    assert not any("crooked" in m for m in person_messages(results(0.0)))
