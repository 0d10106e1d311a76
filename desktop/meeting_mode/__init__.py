"""Meeting mode: the chair's cockpit for running a meeting from this laptop, keyboard first.

`cockpit.MeetingMode` shows the current item large with what is linked to it,
the item timer, notes and the quorum; `controller.MeetingController` does
every write through `db.services.meetings` and commits it at once (there is
no save button); `autosave.NotesAutosave` writes typed notes at most about a
second after the first unsaved keystroke; `dialogs` holds the small forms
(decision, action arising, RAG change, evidence, risk review); `driver` is a
hidden script used by the crash test to run a meeting and be killed.
"""
