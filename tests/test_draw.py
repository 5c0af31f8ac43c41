import numpy as np

from formcheck.media.draw import draw_angle_labels, draw_panel, draw_skeleton
from tests.factory import side_pose


def test_panel_wraps_long_text_inside_a_narrow_frame():
    img = np.full((1280, 720, 3), 128, np.uint8)
    draw_panel(
        img, [("Get into position: kneel on one knee, other foot flat in front, hands on hips", (255, 255, 255))]
    )
    dark = (img[:, :, 0] < 100).any(axis=1)
    rows = np.flatnonzero(dark)
    assert rows.max() > 60  # more than one line tall
    assert (img[:, -1] == 128).all()  # nothing drawn into the frame's right edge


def test_skeleton_and_labels_draw_without_nan():
    img = np.zeros((1000, 1000, 3), np.uint8)
    pose = side_pose(knee_deg=90.0, hip_flexion_deg=90.0)
    draw_skeleton(img, pose)
    draw_angle_labels(img, pose, {"left_knee": 90.0, "right_knee": float("nan")}, ["left_knee", "right_knee"])
    assert img.any()
