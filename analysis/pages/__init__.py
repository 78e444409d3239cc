"""One module per notebook: its results.json entries, findings and tables, plus the table renderer and the live controls."""
