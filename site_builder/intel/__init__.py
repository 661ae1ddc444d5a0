"""The story intelligence: text features, versions, stories, related coverage, names and aliases."""
