"""Errors of the alerts package; each knows whether a retry may help."""

from __future__ import annotations


class AlertError(Exception):
    """Base class of alerting failures."""

    transient: bool = False

    def __init__(self, message: str, *, transient: bool | None = None) -> None:
        super().__init__(message)
        if transient is not None:
            self.transient = transient


class DeliveryError(AlertError):
    """A channel could not deliver a message; transient unless the server refused it for good."""

    transient = True
