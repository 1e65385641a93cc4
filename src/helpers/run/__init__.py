"""The yearly run: wave configuration, the papermill runner and publishing its outputs."""
