"""`check` and `stories`: problems in the content, broken links, the computed stories."""
