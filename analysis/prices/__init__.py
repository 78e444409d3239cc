"""Price bases and bills: what a million tokens, a request or a month costs (imports only data)."""
