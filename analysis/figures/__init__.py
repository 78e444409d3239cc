"""One module per topic; each function draws the results it is given, computes nothing, and returns the figure."""
