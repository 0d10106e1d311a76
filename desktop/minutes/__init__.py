"""The Minutes page's parts: reads and writes, models, the section editor, dialogs, exports.

`controller` reads a meeting's minutes (versions, the shown version's text,
what the person may do) and writes the lifecycle through `db.minutes`;
`models` are the page's item models; `editor` edits a version section by
section, saving as the clerk types; `dialogs` holds the small forms (approve,
export, signing certificates, a verdict); `export_worker` renders, signs and
verifies files on the page's background worker behind a progress dialog.
"""
