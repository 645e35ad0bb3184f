"""Importers of other tools' exports (Word, Confluence storage format and XML, Notion, Google Docs) into a
docs folder, with the Confluence importer's report."""
