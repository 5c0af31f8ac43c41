"""The sign-in gate in front of every page, and whose history a page shows (decisions in formcheck.app.access)."""

from __future__ import annotations

import time

import streamlit as st

from formcheck import settings
from formcheck.app.access import AccessError, Gate
from formcheck.app.history import DEFAULT_PROFILE
from formcheck.errors import SettingError

FAILED_SIGN_IN_DELAY_S = 1.0  # slows guessing the passcode


def gate() -> Gate:
    return Gate(st.get_option("server.address"), settings.passcode())


def require_sign_in() -> None:
    """Stop the page unless the visitor may see it: refused on the network without a passcode; with a passcode,
    a sign-in form (name + passcode) until they sign in. On this machine without a passcode: nothing to do."""
    try:
        g = gate()
    except SettingError as exc:
        st.error(str(exc))
        st.stop()
    if g.refused:
        st.error(g.refused)
        st.stop()
    if not g.sign_in_needed or "profile" in st.session_state:
        return
    st.title("formcheck: sign in")
    with st.form("sign-in"):
        name = st.text_input("Your name", help="Your history is kept under this name")
        code = st.text_input("Passcode", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            st.session_state.profile = g.sign_in(name, code)
        except AccessError as exc:
            time.sleep(FAILED_SIGN_IN_DELAY_S)
            st.error(str(exc))
        else:
            st.rerun()
    st.stop()


def profile() -> str:
    """The signed-in person's profile, or the local one (no sign-in on this machine)."""
    return str(st.session_state.get("profile", DEFAULT_PROFILE))


def signed_in() -> bool:
    return "profile" in st.session_state
