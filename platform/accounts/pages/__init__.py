"""The accounts pages, one module per audience: sign-in, own account, administrators."""
