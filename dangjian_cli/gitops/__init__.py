"""Git as a source of records: bulk reads of a commit or the index, record-level
diffs, history, hooks and commits. Plain ``git`` subprocesses, no import cost."""
