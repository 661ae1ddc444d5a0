"""Reading the site: content files, registries, the one loader every command uses, and new files."""
