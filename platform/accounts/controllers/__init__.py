"""HTTP for accounts, one file per audience: sign-in pages, own account, admin pages, API."""
