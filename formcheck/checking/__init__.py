"""Layer ``checking``: judging a stream of measured frames against an exercise, with nothing but numbers.

Owns: the session (:mod:`.session`: ``step(FrameResult) -> Feedback``, ``report()``), whether a frame can be judged and
each criterion (:mod:`.criteria`), the working side (:mod:`.sides`), hold timers and rep / circle counters
(:mod:`.counters`), the safety watch (:mod:`.safety`), the report and per-rep table (:mod:`.report`), the guided
routine (:mod:`.routine`) and exercise suggestion (:mod:`.suggest`).
May import: ``values``, ``exercises``, and the numeric parts of ``pose`` (:mod:`formcheck.pose.measure`,
:mod:`formcheck.pose.angles`). Never a model, video, drawing or UI library (a test checks the whole import closure).
"""
