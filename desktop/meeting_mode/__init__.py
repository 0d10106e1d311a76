"""Meeting mode: the chair's cockpit for running a meeting from this laptop, keyboard first.

`cockpit.MeetingMode` shows the current item large with its timer, notes and
the quorum; `record.RecordPanel` beside it the item's interests, decisions,
actions arising (and, on the action-log item, the board's open actions);
`linked.LinkedPane` the action's RAG history, the risk and the KPI chart;
`controller.MeetingController` does every write through the `db` services and
commits it at once (there is no save button); `autosave.NotesAutosave`
writes typed notes about a second after the first unsaved keystroke;
`dialogs` holds the small forms (decision, action arising, RAG change,
evidence, risk review, closing an action). `rehearsal` runs a meeting on a
scratch copy for screenshots, and `driver` is a hidden script the crash test
runs and kills.
"""
