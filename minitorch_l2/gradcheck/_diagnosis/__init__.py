"""The diagnosis: comparing a block element by element, kinks, patterns, undeclared parameters."""
