"""The sampling frame: its file format, and building it from the official public files."""
