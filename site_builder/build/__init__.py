"""The build: the pipeline, worker processes, staleness, the manifest, writing and the search index."""
