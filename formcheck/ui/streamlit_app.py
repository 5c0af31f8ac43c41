"""The pages, as the script Streamlit runs for each visitor (``formcheck.ui.server`` and the root ``app.py`` serve
it, with the live socket beside it)."""

from formcheck.ui.main import run

run()
