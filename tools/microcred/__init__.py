"""microcred: a micro-credential registry for educators that lives in a Git repository."""

__version__ = "0.1.0"
