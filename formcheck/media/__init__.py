"""Layer ``media``: pictures and sound in and out.

Owns: reading video / images with their timestamps and writing browser-playable video (:mod:`.video`), drawing the
skeleton, angles and cue panel on a frame (:mod:`.draw`, ``annotate``), and the cue sounds (:mod:`.sounds`).
May import: ``values``, ``pose`` (angle names, landmark connections), ``exercises``, ``checking``; PyAV, OpenCV, numpy.
Draws and encodes only: no judgement lives here.
"""
