"""Stage 3: where rendered text goes: a directory, the policy downloads, the MkDocs plugin."""
