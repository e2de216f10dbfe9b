"""Storywatch: media monitoring, from news feeds to storyline alerts."""

__version__ = "0.1.0"
