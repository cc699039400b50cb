"""Every output format: each module turns one kind of result into text, and computes nothing.

render (dreams), explain and explain_html (provenance records), stats, check, beats, expand
and notes (the command line's one-line reports).
"""
