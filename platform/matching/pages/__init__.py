"""The matching pages: suggestions, proposals, the workbench, signing events."""
