"""Migration of Confluence HTML space exports into a docs folder (``productive-docs import-confluence``).

``export`` reads the folder or zip (safely), ``pages`` each page's metadata, ``tree`` the page tree and the
output paths, ``links`` the links between pages, ``assets`` the copied files, ``importer`` runs the page
loop (bodies go through the HTML reader and the local Markdown writer), ``report`` writes IMPORT-REPORT.md.
"""
