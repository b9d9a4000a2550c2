"""Stage 2: rendering, pure: a validated catalog -> text (Markdown pages, policy formats).

Nothing here writes a file or starts a process; sinks decide where the text goes.
"""
