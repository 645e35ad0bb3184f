"""Migration of Confluence HTML space exports into a docs folder."""
