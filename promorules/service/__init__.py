"""The HR service: JSON Schemas, batch runs and the HTTP service, for programs rather than people."""
