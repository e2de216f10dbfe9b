"""Storywatch."""
