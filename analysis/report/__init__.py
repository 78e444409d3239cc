"""Running the notebooks headlessly with papermill and publishing the report."""
