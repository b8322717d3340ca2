"""Serving many sessions from one process: the shared runtime, built once, and the bounded draft-check queue.

No Streamlit here: the UI polls these objects, and they work the same under AppTest, a real server or a test.
"""
