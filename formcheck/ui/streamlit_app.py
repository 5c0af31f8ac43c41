"""The app as a script inside the package, for ``formcheck app`` (which runs ``streamlit run`` on this file)."""

from formcheck.ui.main import run

run()
