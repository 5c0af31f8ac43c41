"""Layer ``pose``: from a picture to a person's measured pose.

Owns: the pose model (:mod:`.estimator`, the only module importing mediapipe), landmark smoothing (:mod:`.smoothing`),
the angle table and its convention (:mod:`.angles`), camera view and near side (:mod:`.view`), the camera's roll read
from the room's verticals (:mod:`.level`), a frame's measurements (:mod:`.measure`, numbers only, the roll undone),
image quality when nobody is found (:mod:`.quality`) and the per-frame pipeline (:mod:`.pipeline`). May import: the
``values`` layer, numpy, OpenCV, mediapipe. This ``__init__`` imports nothing, so the checking layer can use
:mod:`.measure` and :mod:`.angles` without loading a model or OpenCV.
"""
