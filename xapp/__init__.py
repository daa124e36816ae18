"""xapp: post, chat and pay from one keyboard-driven terminal app."""

__version__ = "0.1.0"
