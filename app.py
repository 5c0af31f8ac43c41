"""formcheck's web app (Streamlit). Thin: pages live in ui/, every decision in the formcheck package."""
import streamlit as st

st.set_page_config(page_title="formcheck", layout="wide")
st.navigation([st.Page("ui/live.py", title="Live webcam", default=True),
               st.Page("ui/upload.py", title="Analyse a recording"),
               st.Page("ui/history.py", title="History")]).run()
