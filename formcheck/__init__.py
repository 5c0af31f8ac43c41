"""formcheck: camera-based form checking for the psoas / hip-flexor routine.

Pipeline: frames (webcam or file) -> pose landmarks -> joint angles -> per-exercise checkers -> hold timers /
rep counters -> feedback -> session report.

The package is layered. ``LAYERS`` below is the one place the order is written down; a module may import modules of
its own layer or of a layer before it, never after (``tests/test_layers.py`` walks every import, including those
under ``TYPE_CHECKING`` and inside functions, and fails on a cycle or an import against this order).
``docs/architecture.md`` explains each layer and follows one frame through them.
"""

# (layer, the modules or packages it holds), lowest first
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "values",
        ("formcheck.errors", "formcheck.settings", "formcheck.landmarks", "formcheck.values", "formcheck.files"),
    ),
    ("pose", ("formcheck.pose",)),
    ("exercises", ("formcheck.exercises",)),
    ("checking", ("formcheck.checking",)),
    ("media", ("formcheck.media",)),
    ("app", ("formcheck.app", "formcheck.__main__")),
    ("ui", ("formcheck.ui",)),
)

# Third-party libraries a layer must never reach, directly or through formcheck modules it imports.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "values": ("cv2", "av", "mediapipe", "streamlit", "starlette", "altair"),
    "exercises": ("cv2", "av", "mediapipe", "streamlit", "starlette", "altair"),
    "checking": ("cv2", "av", "mediapipe", "streamlit", "starlette", "altair"),
}
# The only modules allowed to import these libraries at all.
ONLY_IN: dict[str, tuple[str, ...]] = {
    "mediapipe": ("formcheck.pose.estimator",),
    "streamlit": ("formcheck.ui",),
    "starlette": ("formcheck.ui.live_socket",),  # the live page's WebSocket
    "cryptography": ("formcheck.app.tls",),  # the self-signed certificate for https on the LAN
    "altair": ("formcheck.ui",),
}

__version__ = "0.1.0"
