"""Layer ``ui``: the Streamlit pages (the only code importing streamlit). Thin: each page reads widgets, calls the
``app`` layer and shows what it returns; no decision lives here. ``main.run()`` is the app (see the root ``app.py``).
May import: every layer below.
"""
