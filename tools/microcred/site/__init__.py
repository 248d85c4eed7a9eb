"""The public registry site: an mkdocs plugin (generated pages) plus award pages rendered from templates."""
