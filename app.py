"""formcheck's web app: `streamlit run app.py`. Thin: the pages are in formcheck/ui/."""

from formcheck.ui.main import run

run()
