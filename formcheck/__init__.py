"""formcheck: camera-based form checking for the psoas / hip-flexor routine.

Pipeline: frames (webcam or file) -> pose landmarks -> joint angles -> per-exercise checkers -> hold timers /
rep counters -> feedback -> session report. Only :mod:`formcheck.pose` imports mediapipe; nothing here imports
streamlit.
"""
from formcheck.errors import FormcheckError, InputError, ModelError
from formcheck.landmarks import Landmark, Pose

__all__ = ["FormcheckError", "InputError", "ModelError", "Landmark", "Pose"]
__version__ = "0.1.0"
