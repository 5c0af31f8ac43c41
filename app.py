"""formcheck's web app: `streamlit run app.py`. Thin: the pages and the live page's socket are in formcheck/ui/."""

import streamlit as st

from formcheck.ui.live_socket import ROUTES, SCRIPT

app = st.App(SCRIPT, routes=ROUTES)
