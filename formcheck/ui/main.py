"""The Streamlit app: page set-up and navigation between the three pages (each a script in this folder)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from formcheck.ui.signin import profile, require_sign_in, signed_in

PAGES = Path(__file__).resolve().parent


def run() -> None:
    st.set_page_config(page_title="formcheck", layout="wide")
    require_sign_in()  # on the network: a passcode and a name; on this machine: nobody is asked
    if signed_in():
        st.sidebar.caption(f"Signed in as {profile()}")
    st.navigation(
        [
            st.Page(PAGES / "live.py", title="Live webcam", default=True),
            st.Page(PAGES / "upload.py", title="Analyse a recording"),
            st.Page(PAGES / "history.py", title="History"),
        ]
    ).run()
