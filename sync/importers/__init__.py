"""Importers of other tools' documents (Word) into a docs folder, with the Confluence importer's report."""
