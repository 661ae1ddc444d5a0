"""The ground every stage stands on: config, the model, problems, slugs, YAML and the cache store."""
