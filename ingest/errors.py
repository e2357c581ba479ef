"""The one error type of the ingest package: a file that cannot be taken in, and why."""


class IngestError(Exception):
    """A file cannot be indexed. The message is a one-line reason shown to admins."""
