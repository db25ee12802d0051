"""The needs pages: "my needs", their forms and their photos."""
