"""Signed assistance agreements (帮扶协议): from accepted pairings or paper, with their lines,
indicator targets, documents and lifecycle."""
