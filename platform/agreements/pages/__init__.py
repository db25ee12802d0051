"""Agreement pages: the list with its filters and export, each agreement's page with its
steps and documents, the print view, and the partials other pages load."""
