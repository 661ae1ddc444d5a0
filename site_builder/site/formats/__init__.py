"""Non-HTML outputs: feeds, sitemap, TimelineJS, charts and JSON-LD."""
