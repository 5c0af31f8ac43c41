"""The app for ``formcheck app`` (``streamlit run`` on this file): the pages and the live page's socket, one server."""

import streamlit as st

from formcheck.ui.live_socket import ROUTES, SCRIPT

app = st.App(SCRIPT, routes=ROUTES)
