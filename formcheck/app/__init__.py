"""Layer ``app``: the use cases, wiring the layers below for a person or a script.

Owns: analysing a recording (:mod:`.recording`) and describing it (:mod:`.summary`), the live webcam worker
(:mod:`.live`) with its camera state (:mod:`.camera`) and history journal (:mod:`.journal`), the SQLite history
(:mod:`.history`), JSON / CSV export (:mod:`.export`), plot data (:mod:`.charts`), accuracy against ground truth
(:mod:`.evaluate`) and the command line (:mod:`.cli`).
May import: every layer below. Never streamlit (pages are the ``ui`` layer's).
"""
