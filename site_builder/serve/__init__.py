"""`serve`: watch the site, rebuild, serve over HTTP and reload the browser."""
