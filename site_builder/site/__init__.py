"""From the analysed archive to pages: routes, contexts, templates, Markdown, diffs and data formats."""
