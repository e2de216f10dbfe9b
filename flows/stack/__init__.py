"""The local stack for the demo and the integration tests, without Docker.

- ``elasticsearch``: a single-node Elasticsearch from Maven Central's integ-test zip
  (download, unpack once, start as an unprivileged user when root, health, stop by pid).
- ``smtp``: an SMTP sink storing each message as ``.eml`` (``MailSink`` in a thread,
  or a detached daemon); ``maildir`` reads the stored messages back.
- ``feedserver``: sample feeds and pages over HTTP with real conditional GET.
- ``cli``: ``stack_app``, mounted as ``storywatch stack up|down|status|serve-feeds``.
- ``settings``: ``StackSettings`` (``STORYWATCH_*``); ``errors``: ``StackError``.

Nothing is imported here on purpose: ``python -m storywatch.flows.stack.smtp`` must
not find its own module already imported by the package.
"""
